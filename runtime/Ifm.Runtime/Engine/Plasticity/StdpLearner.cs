using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>
/// Pair-based STDP with per-neuron traces (see <see cref="StdpRule"/> for the order of operations): decay the traces,
/// potentiate edges whose post neuron spiked by A₊·x_pre, depress edges whose pre neuron spiked by A₋·z_post, then add
/// this tick's spikes to the traces.
/// </summary>
/// <remarks>
/// <para>Event-driven: only the edges of neurons that spiked change, so the learner walks the in-edges of each neuron
/// that spiked (potentiation, and depression where the pre neuron spiked too) and the out-edges of each neuron that
/// spiked whose post neuron did not (depression only). Each edge's new weight depends only on its old weight and the
/// two traces, so the weights are exactly those of a pass over every edge; the work is O(N) for the traces plus
/// spikes × (fan-in + fan-out) instead of O(E) per tick. For rate neurons (outputs rarely 0) every edge is visited,
/// as before.</para>
/// <para>In an event-driven session the learner reads and writes one weight array, the presynaptic order the spikes
/// propagate from (<see cref="SynapseMatrix.WeightsByPre"/>): a spike's out-edges are one contiguous run there, its
/// in-edges an index into the same array; the CSR-order copy and the matrix layout are rebuilt from it only when
/// something reads them (<see cref="SynapseMatrix.PreOrderChanged"/>). The traces' spikes are added only where a
/// neuron spiked when every neuron is of a spiking kind (outputs 0 or 1, traces never −0: the same bits as adding
/// every y).</para>
/// </remarks>
internal sealed class StdpLearner : GroupLearner
{
    private readonly StdpRule _rule;
    private readonly float[] _xPre;
    private float[] _zPost;                       // the same array as _xPre while τ₊ = τ₋ (see Shared)
    private readonly float _decayPlus;
    private readonly float _decayMinus;
    private readonly int[] _inStart, _inEdge;     // the group's edges into each neuron (CSR order)
    private readonly int[] _outStart, _outEdge;   // the group's edges out of each neuron
    private readonly int[] _outPost;              // post neuron of each out-edge (saves a lookup per edge)
    private readonly int[] _pre;
    private readonly OutEdges? _byPre;            // event-driven sessions: the weights in presynaptic order
    private readonly int[]? _inSlot, _inPre;      // … the slot there and the pre neuron of each in-edge
    private readonly int[]? _outSlot;             // … the slot of each of the group's out-edges (null: the group is every edge, slot = index)
    private readonly bool _spikesOnly;            // every neuron is of a spiking kind: add to the traces where y ≠ 0 only
    private readonly int[] _spiked;               // the neurons that spiked this tick (found once, used twice)

    public StdpLearner(IfmModel model, int group, SynapseMatrix synapses, StdpRule rule) : base(model, group, synapses)
    {
        _rule = rule;
        int n = model.NeuronCount;
        _xPre = new float[n];
        _decayPlus = MathF.Exp(-model.Dt / rule.TauPlus);
        _decayMinus = MathF.Exp(-model.Dt / rule.TauMinus);
        _zPost = _decayPlus == _decayMinus ? _xPre : new float[n];
        (_inStart, _inEdge) = Lists(n, Edges, model.PostArray);
        (_outStart, _outEdge) = Lists(n, Edges, model.PreArray);
        _pre = model.PreArray;
        _outPost = new int[_outEdge.Length];
        for (int s = 0; s < _outEdge.Length; s++) _outPost[s] = model.PostArray[_outEdge[s]];
        _byPre = synapses.ByPre;
        if (_byPre is not null)
        {
            _inSlot = new int[_inEdge.Length];
            _inPre = new int[_inEdge.Length];
            for (int s = 0; s < _inEdge.Length; s++)
            {
                _inSlot[s] = _byPre.SlotOfEdge[_inEdge[s]];
                _inPre[s] = _pre[_inEdge[s]];
            }

            if (Edges.Length != model.EdgeCount)
            {
                _outSlot = new int[_outEdge.Length];
                for (int s = 0; s < _outEdge.Length; s++) _outSlot[s] = _byPre.SlotOfEdge[_outEdge[s]];
            }
        }

        _spikesOnly = model.Populations.All(p => NeuronModels.Of(p.Kind).Spiking);
        _spiked = new int[n];
    }

    public override float Apply(ref LearningTick t) => _byPre is null ? ApplyPerEdge(ref t) : ApplyByPre(ref t);

    /// <summary>Event-driven sessions: every update in the presynaptic weight array (see the remarks).</summary>
    private float ApplyByPre(ref LearningTick t)
    {
        int n = _xPre.Length;
        Decay();
        var y = t.YNow[..n];
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float x = ref MemoryMarshal.GetArrayDataReference(_xPre);
        ref float z = ref MemoryMarshal.GetArrayDataReference(_zPost);
        var w = Synapses.WeightsByPre;
        var byPre = _byPre!;
        bool whole = _outSlot is null;
        var outStart = whole ? byPre.Start : _outStart;
        var outPost = whole ? byPre.Post : _outPost;
        float aPlus = _rule.APlus * t.Scale, aMinus = _rule.AMinus * t.Scale;
        float lo = WMin, hi = WMax;
        float sum = 0;
        int spikes = 0;
        for (int i = ActiveScan.Next(y, 0); i >= 0; i = ActiveScan.Next(y, i + 1))
        {
            _spiked[spikes++] = i;

            // i spiked as a post neuron: every in-edge (potentiation; depression too where the pre neuron also spiked).
            // The products group as in the rule's definition, (A₊·y_post)·x_pre and (A₋·y_pre)·z_post.
            float yi = Unsafe.Add(ref yr, i), zi = Unsafe.Add(ref z, i), xi = Unsafe.Add(ref x, i);
            int from = _inStart[i], count = _inStart[i + 1] - from;
            var inSlots = _inSlot.AsSpan(from, count);
            int bad = PotentiateInEdges(w, inSlots, _inPre.AsSpan(from, count), ref x, ref yr, aPlus * yi, aMinus, zi, lo, hi, ref sum);
            if (bad >= 0) return Fault(byPre.Edge[inSlots[bad]], ref t, sum);

            // i spiked as a pre neuron: out-edges to neurons that did not spike (the others were done as in-edges),
            // one contiguous run of the weight array when the group holds every edge.
            from = outStart[i];
            count = outStart[i + 1] - from;
            var posts = outPost.AsSpan(from, count);
            if (whole)
            {
                bad = DepressOutRun(w.Slice(from, count), posts, ref yr, ref z, aPlus, xi, aMinus * yi, lo, hi, ref sum);
                if (bad >= 0) return Fault(byPre.Edge[from + bad], ref t, sum);
            }
            else
            {
                var slots = _outSlot.AsSpan(from, count);
                bad = DepressOutEdges(w, slots, posts, ref yr, ref z, aPlus, xi, aMinus * yi, lo, hi, ref sum);
                if (bad >= 0) return Fault(byPre.Edge[slots[bad]], ref t, sum);
            }
        }

        if (spikes > 0) Synapses.PreOrderChanged();
        if (_spikesOnly)
        {
            bool shared = Shared;
            foreach (int i in _spiked.AsSpan(0, spikes))
            {
                float yi = Unsafe.Add(ref yr, i);
                Unsafe.Add(ref x, i) += yi;
                if (!shared) Unsafe.Add(ref z, i) += yi;
            }
        }
        else
        {
            AddSpikes(y);
        }

        return sum;
    }

    /// <summary>
    /// Potentiation (and depression where the pre neuron spiked too) of one spiking neuron's in-edges, each an index
    /// into the presynaptic weight array. Adds Σ|Δw| to <paramref name="sum"/>; returns the index of an edge whose new
    /// weight is not finite (not written; the edges before it are), or −1. A method of its own so the loop keeps its
    /// few values in registers.
    /// </summary>
    /// <remarks>With AVX2 eight in-edges at a time: w, x_pre and y_pre gathered, the scalar loop's operations lane by
    /// lane (so the same bits), the new weights stored lane by lane (AVX2 has no scatter; the slots of one neuron's
    /// in-edges are distinct, so no lane overwrites another's). Only the order in which Σ|Δw| is summed differs.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe int PotentiateInEdges(Span<float> w, ReadOnlySpan<int> slots, ReadOnlySpan<int> pres, ref float x, ref float y,
        float potentiate, float aMinus, float zi, float lo, float hi, ref float sum)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref int sr = ref MemoryMarshal.GetReference(slots);
        ref int pr = ref MemoryMarshal.GetReference(pres);
        float acc = sum;
        int n = slots.Length, s = 0;
        if (Avx2.IsSupported && n >= Vector256<float>.Count)
        {
            var vPotentiate = Vector256.Create(potentiate);
            var vAMinus = Vector256.Create(aMinus);
            var vZi = Vector256.Create(zi);
            var vLo = Vector256.Create(lo);
            var vHi = Vector256.Create(hi);
            var abs = Vector256.Create(0x7FFF_FFFF).AsSingle();
            var total = Vector256<float>.Zero;
            float* lanes = stackalloc float[Vector256<float>.Count];
            fixed (float* wp = &wr, xp = &x, yp = &y)
            {
                for (; s <= n - Vector256<float>.Count; s += Vector256<float>.Count)
                {
                    var slot = Vector256.LoadUnsafe(ref sr, (nuint)s);
                    var pre = Vector256.LoadUnsafe(ref pr, (nuint)s);
                    var old = Avx2.GatherVector256(wp, slot, 4);
                    var xPre = Avx2.GatherVector256(xp, pre, 4);
                    var yPre = Avx2.GatherVector256(yp, pre, 4);
                    var nw = Avx.Subtract(Avx.Add(old, Avx.Multiply(vPotentiate, xPre)), Avx.Multiply(Avx.Multiply(vAMinus, yPre), vZi));
                    nw = Avx.Min(vHi, Avx.Max(vLo, nw));   // MINPS/MAXPS: Clamp's order of tests, lane by lane
                    var finite = Avx.CompareEqual(Avx.Subtract(nw, nw), Vector256<float>.Zero);
                    if (finite.ExtractMostSignificantBits() != 0xFF) break; // the scalar loop reports it
                    total = Avx.Add(total, Avx.And(Avx.Subtract(nw, old), abs));
                    Avx.Store(lanes, nw);
                    ref int sl = ref Unsafe.Add(ref sr, s);
                    wp[sl] = lanes[0];
                    wp[Unsafe.Add(ref sl, 1)] = lanes[1];
                    wp[Unsafe.Add(ref sl, 2)] = lanes[2];
                    wp[Unsafe.Add(ref sl, 3)] = lanes[3];
                    wp[Unsafe.Add(ref sl, 4)] = lanes[4];
                    wp[Unsafe.Add(ref sl, 5)] = lanes[5];
                    wp[Unsafe.Add(ref sl, 6)] = lanes[6];
                    wp[Unsafe.Add(ref sl, 7)] = lanes[7];
                }
            }

            acc += Vector256.Sum(total);
        }

        for (; s < n; s++)
        {
            // Slots and pre neurons come from the model's own lists (in range): no bounds checks.
            ref float ws = ref Unsafe.Add(ref wr, Unsafe.Add(ref sr, s));
            int pre = Unsafe.Add(ref pr, s);
            float old = ws;
            float nw = Clamp(old + (potentiate * Unsafe.Add(ref x, pre)) - (aMinus * Unsafe.Add(ref y, pre) * zi), lo, hi);
            if (!float.IsFinite(nw))
            {
                sum = acc;
                return s;
            }

            acc += Math.Abs(nw - old);
            ws = nw;
        }

        sum = acc;
        return -1;
    }

    /// <summary>
    /// Depression of one spiking neuron's out-edges (a contiguous run of weights and their post neurons) whose post
    /// neuron did not spike: w ← clamp(w + (A₊·y_post)·x_pre − d·z_post), d = A₋·y_pre. With AVX2 eight edges at a
    /// time (gathered y and z, the same operations per lane as the scalar loop, so the same bits; only the order in
    /// which Σ|Δw| is summed differs). Returns the index of an edge whose new weight is not finite, or −1.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe int DepressOutRun(Span<float> w, ReadOnlySpan<int> posts, ref float y, ref float z,
        float aPlus, float xi, float depress, float lo, float hi, ref float sum)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref int pr = ref MemoryMarshal.GetReference(posts);
        int n = posts.Length, s = 0;
        float acc = sum;
        if (Avx2.IsSupported && n >= Vector256<float>.Count)
        {
            var vAPlus = Vector256.Create(aPlus);
            var vXi = Vector256.Create(xi);
            var vDepress = Vector256.Create(depress);
            var vLo = Vector256.Create(lo);
            var vHi = Vector256.Create(hi);
            var abs = Vector256.Create(0x7FFF_FFFF).AsSingle();
            var total = Vector256<float>.Zero;
            fixed (float* yp = &y, zp = &z)
            {
                for (; s <= n - Vector256<float>.Count; s += Vector256<float>.Count)
                {
                    var post = Vector256.LoadUnsafe(ref pr, (nuint)s);
                    var yPost = Avx2.GatherVector256(yp, post, 4);
                    var zPost = Avx2.GatherVector256(zp, post, 4);
                    var old = Vector256.LoadUnsafe(ref wr, (nuint)s);
                    var nw = Avx.Subtract(Avx.Add(old, Avx.Multiply(Avx.Multiply(vAPlus, yPost), vXi)), Avx.Multiply(vDepress, zPost));
                    nw = Avx.Min(vHi, Avx.Max(vLo, nw));   // MINPS/MAXPS: Clamp's order of tests, lane by lane
                    var quiet = Avx.CompareEqual(yPost, Vector256<float>.Zero);
                    var finite = Avx.CompareEqual(Avx.Subtract(nw, nw), Vector256<float>.Zero);
                    if (Avx.AndNot(finite, quiet).ExtractMostSignificantBits() != 0) break; // the scalar loop reports it
                    var result = Avx.BlendVariable(old, nw, quiet);
                    total = Avx.Add(total, Avx.And(Avx.Subtract(result, old), abs));
                    result.StoreUnsafe(ref wr, (nuint)s);
                }
            }

            acc += Vector256.Sum(total);
        }

        for (; s < n; s++)
        {
            int post = Unsafe.Add(ref pr, s);
            float yPost = Unsafe.Add(ref y, post);
            if (yPost != 0) continue;
            ref float ws = ref Unsafe.Add(ref wr, s);
            float old = ws;
            float nw = Clamp(old + (aPlus * yPost * xi) - (depress * Unsafe.Add(ref z, post)), lo, hi);
            if (!float.IsFinite(nw))
            {
                sum = acc;
                return s;
            }

            acc += Math.Abs(nw - old);
            ws = nw;
        }

        sum = acc;
        return -1;
    }

    /// <summary><see cref="DepressOutRun"/> for a group that holds only some of the edges: each out-edge an index into the weight array.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int DepressOutEdges(Span<float> w, ReadOnlySpan<int> slots, ReadOnlySpan<int> posts, ref float y, ref float z,
        float aPlus, float xi, float depress, float lo, float hi, ref float sum)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref int sr = ref MemoryMarshal.GetReference(slots);
        ref int pr = ref MemoryMarshal.GetReference(posts);
        float acc = sum;
        for (int s = 0; s < posts.Length; s++)
        {
            int post = Unsafe.Add(ref pr, s);
            float yPost = Unsafe.Add(ref y, post);
            if (yPost != 0) continue;
            ref float ws = ref Unsafe.Add(ref wr, Unsafe.Add(ref sr, s));
            float old = ws;
            float nw = Clamp(old + (aPlus * yPost * xi) - (depress * Unsafe.Add(ref z, post)), lo, hi);
            if (!float.IsFinite(nw))
            {
                sum = acc;
                return s;
            }

            acc += Math.Abs(nw - old);
            ws = nw;
        }

        sum = acc;
        return -1;
    }

    /// <summary>Clock-driven sessions: through the matrix, edge by edge (in-edges by CSR index, out-edges by list).</summary>
    private float ApplyPerEdge(ref LearningTick t)
    {
        Decay();
        var y = t.YNow[.._xPre.Length];
        var weights = Synapses.Weights;
        float aPlus = _rule.APlus * t.Scale, aMinus = _rule.AMinus * t.Scale;
        float sum = 0;
        var x = _xPre;
        var z = _zPost;
        for (int i = ActiveScan.Next(y, 0); i >= 0; i = ActiveScan.Next(y, i + 1))
        {
            // i spiked as a post neuron: every in-edge (potentiation; depression too where the pre neuron also spiked).
            float yi = y[i], zi = z[i], xi = x[i];
            for (int s = _inStart[i], end = _inStart[i + 1]; s < end; s++)
            {
                int k = _inEdge[s], pre = _pre[k];
                float old = weights[k];
                float w = Clamp(old + (aPlus * yi * x[pre]) - (aMinus * y[pre] * zi));
                if (!Write(k, old, w, ref sum)) return Fault(k, ref t, sum);
            }

            // i spiked as a pre neuron: out-edges to neurons that did not spike (the others were done as in-edges).
            for (int s = _outStart[i], end = _outStart[i + 1]; s < end; s++)
            {
                int post = _outPost[s];
                float yPost = y[post];
                if (yPost != 0) continue;
                int k = _outEdge[s];
                float old = weights[k];
                float w = Clamp(old + (aPlus * yPost * xi) - (aMinus * yi * z[post]));
                if (!Write(k, old, w, ref sum)) return Fault(k, ref t, sum);
            }
        }

        AddSpikes(y);
        return sum;
    }

    /// <summary>
    /// Math.Clamp's result bit for bit (NaN stays NaN, −0 stays −0 at a bound of +0) without its branches: half the
    /// weights of a learning network sit at a bound, so a branch per edge mispredicts. MAXSS/MINSS return their
    /// second operand when the comparison is false or unordered, exactly Clamp's order of tests.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Clamp(float v, float lo, float hi)
    {
        if (Sse.IsSupported)
        {
            var low = Sse.MaxScalar(Vector128.CreateScalarUnsafe(lo), Vector128.CreateScalarUnsafe(v));
            return Sse.MinScalar(Vector128.CreateScalarUnsafe(hi), low).ToScalar();
        }

        return v < lo ? lo : v > hi ? hi : v;
    }

    /// <summary>Stores one edge's new weight through the matrix (nothing when it did not change); false when it is not finite (then it is not written).</summary>
    private bool Write(int k, float old, float w, ref float sum)
    {
        if (BitConverter.SingleToInt32Bits(w) == BitConverter.SingleToInt32Bits(old)) return true;
        if (!float.IsFinite(w)) return false;
        sum += Math.Abs(w - old);
        Synapses.SetWeight(k, w);
        return true;
    }

    /// <summary>
    /// x and z are one array while τ₊ = τ₋: both start at 0, decay by the same factor and add the same spikes, so they
    /// hold the same bits, and one pass (and one array in the cache) does for both.
    /// </summary>
    private bool Shared => ReferenceEquals(_xPre, _zPost);

    private void Decay()
    {
        TensorPrimitives.Multiply(_xPre, _decayPlus, _xPre);
        if (!Shared) TensorPrimitives.Multiply(_zPost, _decayMinus, _zPost);
    }

    private void AddSpikes(ReadOnlySpan<float> y)
    {
        TensorPrimitives.Add(_xPre, y, _xPre);
        if (!Shared) TensorPrimitives.Add(_zPost, y, _zPost);
    }

    /// <summary>A non-finite weight: not written; learning stops with a message naming the edge.</summary>
    private float Fault(int k, ref LearningTick t, float sum)
    {
        if (_byPre is not null) Synapses.PreOrderChanged();
        t.Fault = FaultAt(k, "the weight", t.Tick);
        return sum;
    }

    public override void Save(SessionState state)
    {
        state.Floats[Key("x_pre")] = (float[])_xPre.Clone();
        state.Floats[Key("z_post")] = (float[])_zPost.Clone();
    }

    public override void Load(SessionState state)
    {
        var x = state.Float(Key("x_pre"), _xPre.Length);
        var z = state.Float(Key("z_post"), _zPost.Length);
        if (Shared && !MemoryMarshal.Cast<float, int>(x.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(z.AsSpan()))) _zPost = new float[_xPre.Length]; // traces saved apart stay apart
        x.CopyTo(_xPre, 0);
        z.CopyTo(_zPost, 0);
    }

    public override void Reset()
    {
        Array.Clear(_xPre);
        Array.Clear(_zPost);
        if (_decayPlus == _decayMinus) _zPost = _xPre;
    }

    /// <summary>The group's edges bucketed by <paramref name="neuronOf"/> (post: in-edges; pre: out-edges), in CSR order.</summary>
    private static (int[] Start, int[] Edge) Lists(int n, int[] edges, int[] neuronOf)
    {
        var start = new int[n + 1];
        foreach (int k in edges) start[neuronOf[k] + 1]++;
        for (int i = 0; i < n; i++) start[i + 1] += start[i];
        var edge = new int[edges.Length];
        var fill = (int[])start.Clone();
        foreach (int k in edges) edge[fill[neuronOf[k]]++] = k;
        return (start, edge);
    }
}
