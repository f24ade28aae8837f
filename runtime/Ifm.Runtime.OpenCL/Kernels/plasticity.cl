// Online learning, one work-item per edge of a plastic group (edges[j] = the edge's CSR index), run after the tick that
// produced yNow from yPrev. Each rule is the CPU learner's update (Engine/Plasticity/*Learner.cs) with the same operation
// order. Every kernel also:
//  - skips all work once the guard tripped (fault[0] != 0): learning stays frozen until the host clears it;
//  - records the first non-finite result (fault = {group + 1, edge, tick low, tick high}) instead of writing it;
//  - sums |change| per work-group (WG work-items) into last[g] and adds it to total[g] (the statistics).
#pragma OPENCL FP_CONTRACT OFF

#define WG 64

inline void record_fault(__global int* fault, int group, int edge, long tick)
{
    if (atomic_cmpxchg(fault, 0, group + 1) == 0)
    {
        fault[1] = edge;
        fault[2] = (int)(tick & 0xffffffffL);
        fault[3] = (int)(tick >> 32);
    }
}

// Writes a rule's new weight of edge k and returns |change|; a non-finite result is recorded as the guard's fault and
// not written (0 is returned).
inline float store_weight(__global float* w, int k, float old, float nw, __global int* fault, int group, long tick)
{
    if (!isfinite(nw))
    {
        record_fault(fault, group, k, tick);
        return 0.0f;
    }

    w[k] = nw;
    return fabs(nw - old);
}

// One barrier only: work-item 0 adds the group's WG values in order (a tree of barriers costs far more on CPU drivers,
// which run the work-items between two barriers as one loop).
inline void sum_change(float d, __local float* scratch, __global float* last, __global float* total)
{
    const int l = get_local_id(0);
    scratch[l] = d;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (l == 0)
    {
        float sum = 0.0f;
        for (int i = 0; i < WG; i++) sum += scratch[i];
        const int g = get_group_id(0);
        last[g] = sum;
        total[g] += sum;
    }
}

// Differentiable Hebbian trace: H <- (1-eta)H + eta*yPre(t-1)*yPost(t) (clipped to [-1,1]), w_eff = clamp(w + alpha*H).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void hebbian_trace(const int count, __global const int* edges, __global const int* pre, __global const int* post,
    __global const float* w0, __global const float* alpha, __global float* H,
    __global const float* yPrev, __global const float* yNow, __global float* w,
    const float eta, const float decay, const int clip, const float wmin, const float wmax,
    __global int* fault, const int group, const long tick, __global float* last, __global float* total)
{
    __local float scratch[WG];
    const int j = get_global_id(0);
    float d = 0.0f;
    if (j < count && fault[0] == 0)
    {
        const int k = edges[j];
        const float old = H[j];
        float h = decay * old + eta * yPrev[pre[k]] * yNow[post[k]];
        if (clip) h = clamp(h, -1.0f, 1.0f);
        const float weff = clamp(w0[k] + alpha[k] * h, wmin, wmax);
        if (!isfinite(weff) || !isfinite(h))
        {
            record_fault(fault, group, k, tick);
        }
        else
        {
            d = fabs(alpha[k] * (h - old));
            H[j] = h;
            w[k] = weff;
        }
    }
    sum_change(d, scratch, last, total);
}

// Backpropamine three-factor rule: E <- (1-eta)E + eta*pre*post; H <- clamp(H + M*E, -1, 1); w_eff = clamp(w + alpha*H).
// modKind 0: M = ext[modNeuron] (an input channel); 1: M = yNow[modNeuron]; 2: M = modValue (the application's).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void neuromodulated(const int count, __global const int* edges, __global const int* pre, __global const int* post,
    __global const float* w0, __global const float* alpha, __global float* E, __global float* H,
    __global const float* yPrev, __global const float* yNow, __global const float* ext, __global float* w,
    const float eta, const float decay, const int modKind, const int modNeuron, const float modValue,
    const float wmin, const float wmax,
    __global int* fault, const int group, const long tick, __global float* last, __global float* total)
{
    __local float scratch[WG];
    const int j = get_global_id(0);
    float d = 0.0f;
    if (j < count && fault[0] == 0)
    {
        const float m = modKind == 0 ? ext[modNeuron] : modKind == 1 ? yNow[modNeuron] : modValue;
        const int k = edges[j];
        const float oldH = H[j];
        const float e = decay * E[j] + eta * yPrev[pre[k]] * yNow[post[k]];
        const float h = clamp(oldH + m * e, -1.0f, 1.0f);
        const float weff = clamp(w0[k] + alpha[k] * h, wmin, wmax);
        if (!isfinite(weff) || !isfinite(e) || !isfinite(h))
        {
            record_fault(fault, group, k, tick);
        }
        else
        {
            d = fabs(alpha[k] * (h - oldH));
            E[j] = e;
            H[j] = h;
            w[k] = weff;
        }
    }
    sum_change(d, scratch, last, total);
}

// Pair-based STDP, edge part: with the traces decayed for this tick (x*decayPlus, z*decayMinus, computed here exactly
// as the CPU's separate decay pass rounds them), w += A+ * postSpike * x_pre - A- * preSpike * z_post, clamped.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void stdp_edges(const int count, __global const int* edges, __global const int* pre, __global const int* post,
    __global const float* yNow, __global const float* xPre, __global const float* zPost, __global float* w,
    const float decayPlus, const float decayMinus, const float aPlus, const float aMinus, const float wmin, const float wmax,
    __global int* fault, const int group, const long tick, __global float* last, __global float* total)
{
    __local float scratch[WG];
    const int j = get_global_id(0);
    float d = 0.0f;
    if (j < count && fault[0] == 0)
    {
        const int k = edges[j];
        const int p = pre[k], q = post[k];
        const float postSpike = yNow[q], preSpike = yNow[p];
        if (postSpike != 0.0f || preSpike != 0.0f)
        {
            const float x = xPre[p] * decayPlus;
            const float z = zPost[q] * decayMinus;
            const float old = w[k];
            const float nw = clamp(old + aPlus * postSpike * x - aMinus * preSpike * z, wmin, wmax);
            d = store_weight(w, k, old, nw, fault, group, tick);
        }
    }
    sum_change(d, scratch, last, total);
}

// Pair-based STDP, trace part (after stdp_edges): x <- x*decayPlus + y, z <- z*decayMinus + y for every neuron.
__kernel void stdp_traces(const int n, __global float* xPre, __global float* zPost, __global const float* yNow,
    const float decayPlus, const float decayMinus, __global const int* fault)
{
    const int i = get_global_id(0);
    if (i >= n || fault[0] != 0) return;
    const float y = yNow[i];
    xPre[i] = xPre[i] * decayPlus + y;
    zPost[i] = zPost[i] * decayMinus + y;
}

// Oja's rule: w <- clamp(w + eta*yPost*(yPre(t-1) - yPost*w)).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void oja(const int count, __global const int* edges, __global const int* pre, __global const int* post,
    __global const float* yPrev, __global const float* yNow, __global float* w,
    const float eta, const float wmin, const float wmax,
    __global int* fault, const int group, const long tick, __global float* last, __global float* total)
{
    __local float scratch[WG];
    const int j = get_global_id(0);
    float d = 0.0f;
    if (j < count && fault[0] == 0)
    {
        const int k = edges[j];
        const float old = w[k], yPost = yNow[post[k]];
        const float nw = clamp(old + eta * yPost * (yPrev[pre[k]] - yPost * old), wmin, wmax);
        d = store_weight(w, k, old, nw, fault, group, tick);
    }
    sum_change(d, scratch, last, total);
}

// PES / delta rule: w_ij <- clamp(w_ij - kappa*e_i*y_j(t-1)), e_i the application's error of output neuron i.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void pes(const int count, __global const int* edges, __global const int* pre, __global const int* post,
    __global const float* yPrev, __global const float* errorOfNeuron, __global float* w,
    const float kappa, const float wmin, const float wmax,
    __global int* fault, const int group, const long tick, __global float* last, __global float* total)
{
    __local float scratch[WG];
    const int j = get_global_id(0);
    float d = 0.0f;
    if (j < count && fault[0] == 0)
    {
        const int k = edges[j];
        const float e = errorOfNeuron[post[k]];
        if (e != 0.0f)
        {
            const float old = w[k];
            const float nw = clamp(old - kappa * e * yPrev[pre[k]], wmin, wmax);
            d = store_weight(w, k, old, nw, fault, group, tick);
        }
    }
    sum_change(d, scratch, last, total);
}
