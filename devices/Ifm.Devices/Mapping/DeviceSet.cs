using Ifm.Devices.Coding;

namespace Ifm.Devices.Mapping;

/// <summary>Counters of one bound device, updated in place by the loop (read them from the loop thread or tolerate tearing).</summary>
public sealed class DeviceCounters(string name, string type, bool isActuator, int divisor)
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public bool IsActuator { get; } = isActuator;

    /// <summary>The device is read/written every <see cref="Divisor"/>-th period.</summary>
    public int Divisor { get; } = divisor;

    /// <summary>Read attempts (sensors) or writes (actuators).</summary>
    public long Accesses;

    /// <summary>Reads that returned no fresh value (the previous sample was held); includes <see cref="NonFiniteReads"/>.</summary>
    public long StaleReads;

    /// <summary>Reads that returned a NaN or infinite value in some channel: refused as stale, the previous sample was held.</summary>
    public long NonFiniteReads;

    /// <summary>Calls to the device's EnterSafeState that threw.</summary>
    public long SafeStateFailures;
}

/// <summary>
/// The devices of a map, bound to a model's input and output neurons. The control loop calls, once per period:
/// <see cref="ReadAndEncode"/> → step the network → <see cref="DecodeAndWrite"/>; on stop, fault, link loss or a
/// missed deadline it calls <see cref="EnterSafeState"/>. Both per-period calls allocate nothing.
/// </summary>
/// <remarks>
/// <para>Rates: a device with divisor k (see <see cref="DeviceMap.DivisorOf"/>) is read/written in periods where
/// <c>period % k == 0</c>. Encoders run every period on the latest sample (sample-and-hold; spike encoders keep
/// firing), decoders run every period on the network's outputs (spike-count windows see every period); only the
/// device access is rate-limited. Before a sensor's first fresh sample its neurons are written 0.</para>
/// <para>Neurons not bound by the map are left untouched in <c>networkInputs</c>.</para>
/// <para>A device that throws is reported as <see cref="DeviceFaultException"/> naming it (allocation only on
/// that path); the caller should then call <see cref="EnterSafeState"/>.</para>
/// </remarks>
public sealed class DeviceSet : IDisposable
{
    private readonly SensorSlot[] _sensors;
    private readonly ActuatorSlot[] _actuators;
    private readonly IHardwareFactory _hardware;
    private readonly bool _ownsHardware;
    private BoardHardware? _boards;
    private bool _disposed;

    private DeviceSet(SensorSlot[] sensors, ActuatorSlot[] actuators, IHardwareFactory hardware, bool ownsHardware,
        int inputCount, int outputCount, DeviceCounters[] counters)
    {
        _sensors = sensors;
        _actuators = actuators;
        _hardware = hardware;
        _ownsHardware = ownsHardware;
        InputCount = inputCount;
        OutputCount = outputCount;
        Counters = counters;
        LastSafeStateErrors = new Exception?[actuators.Length];
    }

    /// <summary>Length <see cref="ReadAndEncode"/> expects (the model's input count).</summary>
    public int InputCount { get; }

    /// <summary>Length <see cref="DecodeAndWrite"/> expects (the model's output count).</summary>
    public int OutputCount { get; }

    /// <summary>One entry per device, in map order.</summary>
    public IReadOnlyList<DeviceCounters> Counters { get; }

    public IEnumerable<ISensor> Sensors => _sensors.Select(s => s.Sensor);
    public IEnumerable<IActuator> Actuators => _actuators.Select(a => a.Actuator);

    /// <summary>Actuator command channels over all actuators, in map order: the length <see cref="CopyActuatorCommands"/> fills.</summary>
    public int ActuatorChannelCount => _actuators.Sum(a => a.Command.Length);

    /// <summary>"device.channel" names of the actuator command channels, in <see cref="CopyActuatorCommands"/> order.</summary>
    public IReadOnlyList<string> ActuatorChannelNames =>
        [.. _actuators.SelectMany(a => Enumerable.Range(0, a.Command.Length).Select(c => a.Command.Length == 1 ? a.Actuator.Name : $"{a.Actuator.Name}.{c}"))];

    /// <summary>
    /// Copies the commands decoded in the last <see cref="DecodeAndWrite"/> (written or, for a divided rate, due
    /// later) into <paramref name="destination"/>; allocation-free, for recorders on the loop thread.
    /// </summary>
    public void CopyActuatorCommands(Span<float> destination)
    {
        int at = 0;
        foreach (ActuatorSlot a in _actuators)
        {
            a.Command.AsSpan().CopyTo(destination[at..]);
            at += a.Command.Length;
        }
    }

    /// <summary>"device.channel" names of every sensor channel, in the order <see cref="CopySensorSamples"/> fills them.</summary>
    public IReadOnlyList<string> SensorChannelNames =>
        [.. _sensors.SelectMany(s => SensorChannels(s))];

    /// <summary>Sensor channels over all sensors: the length <see cref="CopySensorSamples"/> fills.</summary>
    public int SensorChannelCount => _sensors.Sum(s => s.Sample.Length);

    /// <summary>
    /// Copies every sensor's latest raw sample (held when a read was stale; 0 before its first fresh sample) into
    /// <paramref name="destination"/>, in <see cref="SensorChannelNames"/> order: the values learning signals are
    /// computed from (a reward switch, a tracking error). Allocation-free.
    /// </summary>
    public void CopySensorSamples(Span<float> destination)
    {
        int at = 0;
        foreach (SensorSlot s in _sensors)
        {
            if (s.HasSample) s.Sample.AsSpan().CopyTo(destination[at..]);
            else destination.Slice(at, s.Sample.Length).Clear();
            at += s.Sample.Length;
        }
    }

    /// <summary>
    /// Values that replace or withhold sensor samples where they are read (test stimuli, hardware-in-the-loop
    /// scenarios); null: none. Create it with <see cref="CreateOverrides"/>; it is consulted on the loop thread.
    /// </summary>
    public SensorOverrides? Overrides { get; set; }

    /// <summary>An override table sized for this set's sensor channels (<see cref="SensorChannelCount"/> order), all inactive.</summary>
    public SensorOverrides CreateOverrides() => new([.. _sensors.Select(s => s.Sample.Length)]);

    /// <summary>
    /// Makes the next access of device <paramref name="name"/> (a sensor's read, an actuator's write) fail as a broken bus
    /// would: the loop reports a <see cref="DeviceFaultException"/> naming it and drives the actuators safe. Returns false
    /// when no device has that name. Thread-safe; used by fault-injection tests and scenarios.
    /// </summary>
    public bool InjectFault(string name)
    {
        foreach (SensorSlot s in _sensors)
        {
            if (s.Sensor.Name == name)
            {
                Volatile.Write(ref s.FailNext, true);
                return true;
            }
        }

        foreach (ActuatorSlot a in _actuators)
        {
            if (a.Actuator.Name == name)
            {
                Volatile.Write(ref a.FailNext, true);
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> SensorChannels(SensorSlot s)
    {
        string[] names = DeviceTypes.Get(s.Type).ChannelNames(s.Spec);
        for (int c = 0; c < s.Sample.Length; c++) yield return $"{s.Spec.Name}.{(c < names.Length ? names[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
    }

    /// <summary>Failures of the last <see cref="EnterSafeState"/> call (null entries for actuators that succeeded).</summary>
    public Exception?[] LastSafeStateErrors { get; }

    /// <summary>
    /// Opens every device of <paramref name="map"/> through <paramref name="hardware"/> and binds its channels to
    /// the model's neurons. Throws <see cref="DeviceMapException"/> for names the model lacks, or
    /// <see cref="DeviceFaultException"/> when a device cannot be opened (devices opened so far are released).
    /// Types the library does not build itself come from <paramref name="providers"/> (asked in order), then from
    /// <see cref="IHardwareFactory.CreateSensor"/> / <see cref="IHardwareFactory.CreateActuator"/>.
    /// </summary>
    public static DeviceSet Bind(DeviceMap map, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames,
        IHardwareFactory hardware, bool ownsHardware = true, string sourceName = "device map",
        IReadOnlyList<IDeviceProvider>? providers = null)
    {
        providers ??= [];
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(outputNames);
        ArgumentNullException.ThrowIfNull(hardware);

        var inputIndex = IndexNames(inputNames, "input", sourceName);
        var outputIndex = IndexNames(outputNames, "output", sourceName);
        var errors = new List<string>();
        var inputOwner = new Dictionary<int, string>();

        // Resolve all names first: a map that does not fit the model opens no hardware.
        var plans = new List<(DeviceSpec Spec, int[][] Neurons)>();
        for (int i = 0; i < map.Devices.Count; i++)
        {
            DeviceSpec d = map.Devices[i];
            bool actuator = DeviceTypes.Get(d.Type!).IsActuator;
            var neurons = new int[d.Channels.Count][];
            for (int j = 0; j < d.Channels.Count; j++)
            {
                List<string> names = DeviceMap.ExpandNeurons(d.Channels[j].Neurons!);
                neurons[j] = new int[names.Count];
                for (int k = 0; k < names.Count; k++)
                {
                    string at = $"devices[{i}].channels[{j}].neurons[{k}]";
                    var index = actuator ? outputIndex : inputIndex;
                    if (!index.TryGetValue(names[k], out int n))
                    {
                        errors.Add($"{at}: '{names[k]}' is not an {(actuator ? "output" : "input")} neuron of the model; the model's {(actuator ? "outputs" : "inputs")} are: {ListNames(actuator ? outputNames : inputNames)}");
                        continue;
                    }

                    if (!actuator && !inputOwner.TryAdd(n, at))
                    {
                        errors.Add($"{at}: input neuron '{names[k]}' is already driven by {inputOwner[n]}");
                    }

                    neurons[j][k] = n;
                }
            }

            plans.Add((d, neurons));
        }

        if (errors.Count > 0)
        {
            throw new DeviceMapException(sourceName, errors);
        }

        // PWM chips that are boards of the map (a PCA9685) come from the boards.
        BoardHardware? boards = map.Boards is { Count: > 0 } ? new BoardHardware(map, hardware) : null;
        IHardwareFactory open = boards ?? hardware;
        var sensors = new List<SensorSlot>();
        var actuators = new List<ActuatorSlot>();
        var counters = new DeviceCounters[plans.Count];
        var opened = new List<IDisposable>();
        try
        {
            for (int i = 0; i < plans.Count; i++)
            {
                var (d, neurons) = plans[i];
                DeviceType type = DeviceTypes.Get(d.Type!);
                bool actuator = type.IsActuator;
                string[] channelNames = type.ChannelNames(d);
                counters[i] = new DeviceCounters(d.Name!, d.Type!, actuator, map.DivisorOf(d));
                if (actuator)
                {
                    IActuator a = Open(() => Create<IActuator>(map, d, i, open, providers, type), d, i);
                    opened.Add(a);
                    CheckChannels(a.ChannelCount, channelNames.Length, d, i);
                    var decoders = new DecoderSlot[d.Channels.Count];
                    for (int j = 0; j < decoders.Length; j++)
                    {
                        decoders[j] = new DecoderSlot(Array.IndexOf(channelNames, d.Channels[j].Channel), Codings.CreateDecoder(d.Channels[j].Decoder!), neurons[j]);
                    }

                    actuators.Add(new ActuatorSlot(a, counters[i], decoders, a.ChannelCount));
                }
                else
                {
                    ISensor s = Open(() => Create<ISensor>(map, d, i, open, providers, type), d, i);
                    opened.Add(s);
                    CheckChannels(s.ChannelCount, channelNames.Length, d, i);
                    var encoders = new EncoderSlot[d.Channels.Count];
                    for (int j = 0; j < encoders.Length; j++)
                    {
                        encoders[j] = new EncoderSlot(Array.IndexOf(channelNames, d.Channels[j].Channel), Codings.CreateEncoder(d.Channels[j].Encoder!), neurons[j]);
                    }

                    sensors.Add(new SensorSlot(s, counters[i], encoders, s.ChannelCount) { Type = d.Type!, Spec = d });
                }
            }
        }
        catch
        {
            foreach (IDisposable o in opened)
            {
                try
                {
                    (o as IActuator)?.EnterSafeState();
                    o.Dispose();
                }
                catch (Exception)
                {
                    // Already failing: release what can be released.
                }
            }

            boards?.Dispose();
            throw;
        }

        return new DeviceSet([.. sensors], [.. actuators], hardware, ownsHardware, inputNames.Count, outputNames.Count, counters) { _boards = boards };
    }

    /// <summary>Reads the sensors due in <paramref name="period"/> and encodes every sensor's latest sample into <paramref name="networkInputs"/>.</summary>
    public void ReadAndEncode(long period, Span<float> networkInputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (networkInputs.Length != InputCount)
        {
            ThrowLength(nameof(networkInputs), InputCount, networkInputs.Length);
        }

        _boards?.BeginPeriod();
        for (int i = 0; i < _sensors.Length; i++)
        {
            SensorSlot s = _sensors[i];
            if (period % s.Counters.Divisor == 0)
            {
                s.Counters.Accesses++;
                bool fresh;
                try
                {
                    if (Volatile.Read(ref s.FailNext))
                    {
                        s.FailNext = false;
                        throw new IOException("injected bus failure");
                    }

                    fresh = s.Sensor.Read(s.Incoming);
                }
                catch (Exception ex)
                {
                    throw Fault(s.Sensor.Name, "read failed", ex);
                }

                if (Overrides is { } overrides && overrides.IsActive(i))
                {
                    fresh = overrides.Apply(i, s.Incoming, s.Sample, s.HasSample, fresh);
                }

                if (fresh && !AllFinite(s.Incoming))
                {
                    // A NaN or infinite sample would reach the network's state and stay there: hold the last good one.
                    fresh = false;
                    s.Counters.NonFiniteReads++;
                    s.Sample.CopyTo(s.Incoming, 0);
                }

                if (fresh)
                {
                    s.Incoming.CopyTo(s.Sample, 0);
                    s.HasSample = true;
                }
                else
                {
                    s.Counters.StaleReads++;
                }
            }

            for (int e = 0; e < s.Encoders.Length; e++)
            {
                EncoderSlot enc = s.Encoders[e];
                Span<float> scratch = enc.Scratch;
                if (s.HasSample)
                {
                    enc.Encoder.Encode(s.Sample[enc.Channel], scratch);
                }
                else
                {
                    scratch.Clear();
                }

                int[] targets = enc.Neurons;
                for (int k = 0; k < targets.Length; k++)
                {
                    networkInputs[targets[k]] = scratch[k];
                }
            }
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) return false;
        }

        return true;
    }

    /// <summary>
    /// Decodes <paramref name="networkOutputs"/> for every actuator, writes the actuators due in
    /// <paramref name="period"/>, then lets simulated plants advance one step.
    /// </summary>
    public void DecodeAndWrite(long period, ReadOnlySpan<float> networkOutputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (networkOutputs.Length != OutputCount)
        {
            ThrowLength(nameof(networkOutputs), OutputCount, networkOutputs.Length);
        }

        for (int i = 0; i < _actuators.Length; i++)
        {
            ActuatorSlot a = _actuators[i];
            for (int d = 0; d < a.Decoders.Length; d++)
            {
                DecoderSlot dec = a.Decoders[d];
                int[] sources = dec.Neurons;
                Span<float> gather = dec.Gather;
                for (int k = 0; k < sources.Length; k++)
                {
                    gather[k] = networkOutputs[sources[k]];
                }

                a.Command[dec.Channel] = dec.Decoder.Decode(gather);
            }

            if (period % a.Counters.Divisor == 0)
            {
                a.Counters.Accesses++;
                try
                {
                    if (Volatile.Read(ref a.FailNext))
                    {
                        a.FailNext = false;
                        throw new IOException("injected bus failure");
                    }

                    a.Actuator.Write(a.Command);
                }
                catch (Exception ex)
                {
                    throw Fault(a.Actuator.Name, "write failed", ex);
                }
            }
        }

        _hardware.EndPeriod(period);
    }

    /// <summary>
    /// Drives every actuator to its safe state. Tries every actuator even when some throw; never throws.
    /// </summary>
    /// <returns>The number of actuators whose safe-state call threw (details in <see cref="LastSafeStateErrors"/>).</returns>
    public int EnterSafeState()
    {
        int failures = 0;
        for (int i = 0; i < _actuators.Length; i++)
        {
            try
            {
                _actuators[i].Actuator.EnterSafeState();
                LastSafeStateErrors[i] = null;
            }
            catch (Exception ex)
            {
                LastSafeStateErrors[i] = ex;
                _actuators[i].Counters.SafeStateFailures++;
                failures++;
            }
        }

        return failures;
    }

    /// <summary>Resets every encoder and decoder (spike RNGs, windows) and forgets held samples.</summary>
    public void ResetCoding()
    {
        foreach (SensorSlot s in _sensors)
        {
            s.HasSample = false;
            foreach (EncoderSlot e in s.Encoders)
            {
                e.Encoder.Reset();
            }
        }

        foreach (ActuatorSlot a in _actuators)
        {
            foreach (DecoderSlot d in a.Decoders)
            {
                d.Decoder.Reset();
            }
        }
    }

    /// <summary>Enters the safe state, then disposes every device (and the hardware factory when owned).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        EnterSafeState();
        _disposed = true;
        foreach (ActuatorSlot a in _actuators)
        {
            TryDispose(a.Actuator);
        }

        foreach (SensorSlot s in _sensors)
        {
            TryDispose(s.Sensor);
        }

        if (_boards is not null)
        {
            TryDispose(_boards);
        }

        if (_ownsHardware)
        {
            TryDispose(_hardware);
        }
    }

    private static void TryDispose(IDisposable d)
    {
        try
        {
            d.Dispose();
        }
        catch (Exception)
        {
            // Disposal of a failed device must not keep the others from being released.
        }
    }

    private static DeviceFaultException Fault(string name, string what, Exception ex) =>
        ex as DeviceFaultException ?? new DeviceFaultException(name, $"{what}: {ex.Message}", ex);

    private static void ThrowLength(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} must have the model's {expected} elements, got {actual}", name);

    private static Dictionary<string, int> IndexNames(IReadOnlyList<string> names, string kind, string source)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (!index.TryAdd(names[i], i))
            {
                throw new DeviceMapException(source, [$"the model's {kind} names contain '{names[i]}' twice (indexes {index[names[i]]} and {i})"]);
            }
        }

        return index;
    }

    private static string ListNames(IReadOnlyList<string> names)
    {
        const int Max = 64;
        string shown = string.Join(", ", names.Take(Max));
        return names.Count > Max ? $"{shown}, … ({names.Count} in all)" : $"{shown} ({names.Count})";
    }

    private static void CheckChannels(int actual, int expected, DeviceSpec d, int i)
    {
        if (actual != expected)
        {
            throw new DeviceFaultException(d.Name!, $"devices[{i}] ({d.Type}) has {actual} channels, the map format expects {expected}");
        }
    }

    private static T Open<T>(Func<T> create, DeviceSpec d, int i)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is not DeviceMapException and not DeviceFaultException)
        {
            throw new DeviceFaultException(d.Name!, $"devices[{i}] ({d.Type}) could not be opened: {ex.Message}", ex);
        }
    }

    /// <summary>Providers first (in order), then the type's creator, then the hardware factory's own devices.</summary>
    private static T Create<T>(DeviceMap map, DeviceSpec d, int index, IHardwareFactory hw, IReadOnlyList<IDeviceProvider> providers,
        DeviceType type)
        where T : class
    {
        foreach (IDeviceProvider p in providers)
        {
            if ((typeof(T) == typeof(IActuator) ? p.CreateActuator(d) : (object?)p.CreateSensor(d)) is T provided)
            {
                return provided;
            }
        }

        var context = new DeviceContext(map, d, index, hw);
        object? created = typeof(T) == typeof(IActuator)
            ? type.CreateActuator?.Invoke(context) ?? hw.CreateActuator(d)
            : type.CreateSensor?.Invoke(context) ?? (object?)hw.CreateSensor(d);
        return created as T ?? throw new DeviceFaultException(d.Name!,
            type.MissingCreatorMessage ?? $"type '{d.Type}' exists only in the simulated hardware (run with --sim or --simulate)");
    }

    private sealed class SensorSlot(ISensor sensor, DeviceCounters counters, EncoderSlot[] encoders, int channels)
    {
        public readonly ISensor Sensor = sensor;
        public readonly DeviceCounters Counters = counters;
        public readonly EncoderSlot[] Encoders = encoders;
        public readonly float[] Sample = new float[channels];

        /// <summary>Where a read lands before it is checked and becomes <see cref="Sample"/>.</summary>
        public readonly float[] Incoming = new float[channels];
        public bool HasSample;
        public bool FailNext;
        public string Type = "";
        public DeviceSpec Spec = null!;
    }

    private sealed class EncoderSlot(int channel, IEncoder encoder, int[] neurons)
    {
        public readonly int Channel = channel;
        public readonly IEncoder Encoder = encoder;
        public readonly int[] Neurons = neurons;
        public readonly float[] Scratch = new float[encoder.NeuronCount];
    }

    private sealed class ActuatorSlot(IActuator actuator, DeviceCounters counters, DecoderSlot[] decoders, int channels)
    {
        public readonly IActuator Actuator = actuator;
        public readonly DeviceCounters Counters = counters;
        public readonly DecoderSlot[] Decoders = decoders;
        public readonly float[] Command = new float[channels];
        public bool FailNext;
    }

    private sealed class DecoderSlot(int channel, IDecoder decoder, int[] neurons)
    {
        public readonly int Channel = channel;
        public readonly IDecoder Decoder = decoder;
        public readonly int[] Neurons = neurons;
        public readonly float[] Gather = new float[decoder.NeuronCount];
    }
}
