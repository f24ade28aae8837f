using System.Text;
using Ifm.Native.Exports;
using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>
/// The exports' managed code, called in this process through their unmanaged entry points (the same code the
/// library compiles): the per-tick calls allocate no managed memory in steady state, successes and refusals alike.
/// </summary>
public unsafe class AllocationTests
{
    [Fact]
    public void Tick_calls_allocate_nothing()
    {
        nint model, session;
        var path = Encoding.UTF8.GetBytes(Repo.Model("pavlov.ifm") + "\0");
        fixed (byte* p = path) Assert.Equal(0, ((delegate* unmanaged<byte*, nint*, int>)&ModelExports.LoadFile)(p, &model));
        Assert.Equal(0, ((delegate* unmanaged<nint, nint*, int>)&SessionExports.Create)(model, &session));
        var setInputs = (delegate* unmanaged<nint, float*, nuint, int>)&SessionExports.SetInputs;
        var step = (delegate* unmanaged<nint, uint, int>)&SessionExports.Step;
        var getOutputs = (delegate* unmanaged<nint, float*, nuint, int>)&SessionExports.GetOutputs;
        var getTick = (delegate* unmanaged<nint, long*, int>)&SessionExports.GetTick;
        var modulator = (delegate* unmanaged<nint, float, int>)&PlasticityExports.SetModulator;
        var enabled = (delegate* unmanaged<nint, int, int>)&PlasticityExports.SetEnabled;
        var setInput = (delegate* unmanaged<nint, nuint, float, int>)&SessionExports.SetInput;
        var errors = (delegate* unmanaged<nint, float*, nuint, int>)&PlasticityExports.SetErrors;
        var rate = (delegate* unmanaged<nint, float, int>)&PlasticityExports.SetRateScale;
        var guard = (delegate* unmanaged<nint, int*, int>)&PlasticityExports.Guard;
        int tripped = 0;
        var inputs = stackalloc float[2];
        var outputs = stackalloc float[1];
        long tick = 0;
        int failures = 0;
        for (int round = 0; round < 2; round++)
        {
            // Round 0 warms up; round 1 is measured.
            long before = GC.GetAllocatedBytesForCurrentThread();
            int periods = round == 0 ? 200 : 5000;
            for (int i = 0; i < periods; i++)
            {
                inputs[0] = i % 2;
                inputs[1] = 1;
                failures += setInputs(session, inputs, 2) != 0 ? 1 : 0;
                failures += step(session, 1) != 0 ? 1 : 0;
                failures += getOutputs(session, outputs, 1) != 0 ? 1 : 0;
                failures += getTick(session, &tick) != 0 ? 1 : 0;
                failures += modulator(session, 0.5f) != 0 ? 1 : 0;
                failures += enabled(session, 1) != 0 ? 1 : 0;
                failures += setInput(session, 1, 0.5f) != 0 ? 1 : 0;
                failures += errors(session, outputs, 1) != 0 ? 1 : 0;
                failures += rate(session, 1f) != 0 ? 1 : 0;
                failures += guard(session, &tripped) != 0 ? 1 : 0;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1) Assert.Equal(0, allocated);
        }

        Assert.Equal(0, failures);
        Assert.Equal(5200, tick);

        Assert.Equal(0, ((delegate* unmanaged<nint, int>)&SessionExports.Destroy)(session));
        Assert.Equal(0, ((delegate* unmanaged<nint, int>)&ModelExports.Free)(model));
    }
}
