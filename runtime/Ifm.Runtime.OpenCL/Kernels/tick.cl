// One synchronous tick of the whole network: one work-item per neuron reads the outputs of tick t-1 (yPrev) through its
// CSR row of incoming edges and writes its new state and output (yNext). The host swaps yPrev/yNext between ticks.
// Same operations, in the same order, as the CPU engine's kernels (Engine/Kernels/*Neurons.cs); contraction of a*b+c
// into fma is off so every product and sum rounds exactly as there.
#pragma OPENCL FP_CONTRACT OFF

#define KIND_IFM_INPUT 0
#define KIND_IFM 1
#define KIND_LEAKY 2
#define KIND_LIF 3

#define ACT_TANH 0
#define ACT_SIGMOID 1
#define ACT_RELU 2
#define ACT_IDENTITY 3

// p0..p4 per neuron: IFM a; leaky k = dt/tau, 1-k; LIF k, v_threshold, v_reset, v_leak, R.
// mode per neuron: leaky activation; LIF 1 = subtract threshold, 0 = to v_reset.
__kernel void tick(const int n,
    __global const int* rowStart, __global const int* pre, __global const float* w,
    __global const float* yPrev, __global float* yNext,
    __global const float* bias, __global const float* ext,
    __global const int* kind, __global const int* mode, __global const int* refractoryTicks,
    __global const float* p0, __global const float* p1, __global const float* p2,
    __global const float* p3, __global const float* p4,
    __global float* state, __global int* refractory)
{
    const int i = get_global_id(0);
    if (i >= n) return;
    const int k = kind[i];
    if (k == KIND_LIF && refractory[i] > 0)
    {
        refractory[i] -= 1;
        state[i] = p2[i];
        yNext[i] = 0.0f;
        return;
    }

    // Synaptic sum: four interleaved accumulators (independent loads), combined pairwise.
    const int end = rowStart[i + 1];
    int e = rowStart[i];
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
    for (; e + 4 <= end; e += 4)
    {
        a0 += w[e] * yPrev[pre[e]];
        a1 += w[e + 1] * yPrev[pre[e + 1]];
        a2 += w[e + 2] * yPrev[pre[e + 2]];
        a3 += w[e + 3] * yPrev[pre[e + 3]];
    }
    for (; e < end; e++) a0 += w[e] * yPrev[pre[e]];
    const float syn = (a0 + a1) + (a2 + a3);

    const float b = bias[i];
    if (k == KIND_IFM_INPUT || k == KIND_IFM)
    {
        const float u = k == KIND_IFM_INPUT ? (ext[i] + b) + syn : (syn + b) + tanh(p0[i] * state[i]);
        state[i] = fmax(u, u * 0.01f);
        yNext[i] = tanh(u);
    }
    else if (k == KIND_LEAKY)
    {
        const float drive = ((syn + b) + ext[i]) * p0[i];
        const float s = state[i] * p1[i] + drive;
        state[i] = s;
        const int f = mode[i];
        yNext[i] = f == ACT_TANH ? tanh(s) : f == ACT_SIGMOID ? 1.0f / (1.0f + exp(-s)) : f == ACT_RELU ? fmax(s, 0.0f) : s;
    }
    else
    {
        const float current = (syn + b) + ext[i];
        const float v = state[i];
        float vi = v + p0[i] * ((p3[i] - v) + p4[i] * current);
        if (vi > p1[i])
        {
            yNext[i] = 1.0f;
            vi = mode[i] == 1 ? vi - p1[i] : p2[i];
            refractory[i] = refractoryTicks[i];
        }
        else
        {
            yNext[i] = 0.0f;
        }
        state[i] = vi;
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
