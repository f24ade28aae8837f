// One synchronous tick of the whole network: one work-item per neuron reads the outputs of tick t-1 (yPrev) through its
// CSR row of incoming edges and writes its new state and output (yNext). The host swaps yPrev/yNext between ticks.
// Feed-forward timing (FORMAT.md section 5): the host launches the kernel once per population, in file order, on the
// neurons [first, n); an edge marked in sameTick reads yNext (this tick's output of an earlier population, written by
// an earlier launch of the same in-order queue), every other edge yPrev, summed one edge at a time in CSR order as the
// CPU engine does (CpuSession.FeedForwardSum), so both backends round alike.
// Each branch is the scalar reference update of its kind (NeuronModel.Step in runtime/Ifm.Runtime/Model/Neurons/),
// with the same operations in the same order; contraction of a*b+c into fma is off so every product and sum rounds
// exactly as there. The KIND_* codes are prepended by the host from the neuron-kind registry (ClRuntime.KindDefines).
#pragma OPENCL FP_CONTRACT OFF

#define ACT_TANH 0
#define ACT_SIGMOID 1
#define ACT_RELU 2
#define ACT_IDENTITY 3
#define ACT_STEP 4
#define SLOTS 8

// p[i*SLOTS + s]: the NeuronCell slots. P0 = dt/tau (dt for IF and the integrator; IFM: a), P1 = v_threshold
// (leaky: 1 - dt/tau), P2 = v_reset, P3 = v_leak, P4 = R, P5 = dt/tau_syn, P6 = w_in.
// mode per neuron: leaky activation; spiking kinds 1 = subtract threshold, 0 = to v_reset.
// state: s or the membrane v; current: the synaptic current i of current-based kinds.

// Spike test and reset of an integrated membrane vi; returns y.
inline float fire(const float vi, __global const float* q, const int mode, const int refractoryTicks,
    __global float* state, __global int* refractory, const int i)
{
    if (vi > q[1])
    {
        state[i] = mode == 1 ? vi - q[1] : q[2];
        refractory[i] = refractoryTicks;
        return 1.0f;
    }
    state[i] = vi;
    return 0.0f;
}

__kernel void tick(const int n,
    __global const int* rowStart, __global const int* pre, __global const float* w,
    __global const float* yPrev, __global float* yNext,
    __global const float* bias, __global const float* ext,
    __global const int* kind, __global const int* mode, __global const int* refractoryTicks,
    __global const float* p, __global float* state, __global float* current, __global int* refractory,
    const int first, __global const int* sameTick, const int feedForward)
{
    const int i = first + (int)get_global_id(0);
    if (i >= n) return;
    const int k = kind[i];
    __global const float* q = p + (size_t)i * SLOTS;

    const int end = rowStart[i + 1];
    int e = rowStart[i];
    float syn;
    if (feedForward)
    {
        float s = 0.0f;
        for (; e < end; e++) s += w[e] * (sameTick[e] ? yNext[pre[e]] : yPrev[pre[e]]);
        syn = s;
    }
    else
    {
        // Synaptic sum: four interleaved accumulators (independent loads), combined pairwise.
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        for (; e + 4 <= end; e += 4)
        {
            a0 += w[e] * yPrev[pre[e]];
            a1 += w[e + 1] * yPrev[pre[e + 1]];
            a2 += w[e + 2] * yPrev[pre[e + 2]];
            a3 += w[e + 3] * yPrev[pre[e + 3]];
        }
        for (; e < end; e++) a0 += w[e] * yPrev[pre[e]];
        syn = (a0 + a1) + (a2 + a3);
    }

    const float b = bias[i];
    if (k == KIND_IFM_INPUT || k == KIND_IFM)
    {
        const float u = k == KIND_IFM_INPUT ? (ext[i] + b) + syn : (syn + b) + tanh(q[0] * state[i]);
        state[i] = fmax(u, u * 0.01f);
        yNext[i] = tanh(u);
    }
    else if (k == KIND_LEAKY)
    {
        const float s = state[i] * q[1] + ((syn + b) + ext[i]) * q[0];
        state[i] = s;
        const int f = mode[i];
        yNext[i] = f == ACT_TANH ? tanh(s) : f == ACT_SIGMOID ? 1.0f / (1.0f + exp(-s)) : f == ACT_RELU ? fmax(s, 0.0f) : f == ACT_STEP ? (s > 0.0f ? 1.0f : 0.0f) : s;
    }
    else
    {
        const float drive = (syn + b) + ext[i];
        float input = drive;
        if (k == KIND_CUBA_LIF || k == KIND_CUBA_LI)
        {
            const float c = current[i] + q[5] * (q[6] * drive - current[i]);
            current[i] = c;
            input = c;
        }

        const int spiking = k == KIND_LIF || k == KIND_CUBA_LIF || k == KIND_IF;
        if (spiking && refractory[i] > 0)
        {
            refractory[i] -= 1;
            state[i] = q[2];
            yNext[i] = 0.0f;
            return;
        }

        const float v = state[i];
        const float vi = (k == KIND_IF || k == KIND_INTEGRATOR) ? v + q[0] * (q[4] * input) : v + q[0] * ((q[3] - v) + q[4] * input);
        if (spiking)
        {
            yNext[i] = fire(vi, q, mode[i], refractoryTicks[i], state, refractory, i);
        }
        else
        {
            state[i] = vi;
            yNext[i] = vi;
        }
    }
}

// Copies a compact per-channel vector (inputs, errors) to its neurons' slots: dst[index[c]] = values[c].
__kernel void scatter(const int count, __global const float* values, __global const int* index, __global float* dst)
{
    const int c = get_global_id(0);
    if (c < count) dst[index[c]] = values[c];
}

// Copies the output neurons' values into a compact vector for one small read: dst[c] = y[index[c]].
__kernel void gather(const int count, __global const float* y, __global const int* index, __global float* dst)
{
    const int c = get_global_id(0);
    if (c < count) dst[c] = y[index[c]];
}
