namespace Ifm.Devices.Mapping;

/// <summary>What a <see cref="SensorOverrides"/> entry does to its sensor channel.</summary>
public enum SensorOverrideMode : byte
{
    /// <summary>The sensor's own value passes.</summary>
    None,

    /// <summary>The channel reads <see cref="SensorOverrides.Value"/> (a set value, a ramp, noise, a stuck-at fault).</summary>
    Value,

    /// <summary>The channel reads the sensor's value plus <see cref="SensorOverrides.Value"/> (noise); a held sample keeps its offset.</summary>
    Offset,

    /// <summary>The read brings no fresh sample (a dropout): the last sample is held and the read counts as stale.</summary>
    Dropout,
}

/// <summary>
/// A pre-allocated table of per-channel sensor overrides, consulted by <see cref="DeviceSet.ReadAndEncode"/> right after a
/// sensor is read (before the finite check and the encoders): the stimuli of hardware-in-the-loop scenarios. Indexes are
/// <see cref="DeviceSet.SensorChannelNames"/> positions. Change it on the loop thread (between periods) or accept that a
/// period may see half an update; nothing here allocates.
/// </summary>
public sealed class SensorOverrides
{
    private readonly int[] _first;
    private readonly int[] _count;
    private readonly SensorOverrideMode[] _mode;
    private readonly float[] _value;
    private readonly int[] _active;

    internal SensorOverrides(int[] channelsPerSensor)
    {
        _first = new int[channelsPerSensor.Length];
        _count = channelsPerSensor;
        _active = new int[channelsPerSensor.Length];
        int total = 0;
        for (int i = 0; i < channelsPerSensor.Length; i++)
        {
            _first[i] = total;
            total += channelsPerSensor[i];
        }

        _mode = new SensorOverrideMode[total];
        _value = new float[total];
    }

    /// <summary>Number of sensor channels the table covers.</summary>
    public int Count => _mode.Length;

    /// <summary>The mode of channel <paramref name="channel"/>.</summary>
    public SensorOverrideMode Mode(int channel) => _mode[channel];

    /// <summary>The value channel <paramref name="channel"/> reads while its mode is <see cref="SensorOverrideMode.Value"/>.</summary>
    public float Value(int channel) => _value[channel];

    /// <summary>Makes channel <paramref name="channel"/> read <paramref name="value"/>.</summary>
    public void Set(int channel, float value)
    {
        _value[channel] = value;
        SetMode(channel, SensorOverrideMode.Value);
    }

    /// <summary>Makes channel <paramref name="channel"/> read its sensor's value plus <paramref name="offset"/>.</summary>
    public void Offset(int channel, float offset)
    {
        _value[channel] = offset;
        SetMode(channel, SensorOverrideMode.Offset);
    }

    /// <summary>Makes reads of channel <paramref name="channel"/>'s sensor bring no fresh sample.</summary>
    public void Drop(int channel) => SetMode(channel, SensorOverrideMode.Dropout);

    /// <summary>Lets channel <paramref name="channel"/> read the sensor again.</summary>
    public void Clear(int channel) => SetMode(channel, SensorOverrideMode.None);

    internal bool IsActive(int sensor) => _active[sensor] > 0;

    /// <summary>Applies sensor <paramref name="sensor"/>'s overrides to a read; returns whether the read counts as fresh.</summary>
    internal bool Apply(int sensor, float[] incoming, float[] held, bool hasSample, bool fresh)
    {
        if (!fresh)
        {
            if (hasSample)
            {
                held.CopyTo(incoming, 0);
            }
            else
            {
                Array.Clear(incoming);
            }
        }

        bool dropout = false, replaced = false;
        int first = _first[sensor];
        for (int c = 0; c < _count[sensor]; c++)
        {
            switch (_mode[first + c])
            {
                case SensorOverrideMode.Value:
                    incoming[c] = _value[first + c];
                    replaced = true;
                    break;
                case SensorOverrideMode.Offset:
                    if (fresh)
                    {
                        incoming[c] += _value[first + c];
                    }

                    break;
                case SensorOverrideMode.Dropout:
                    dropout = true;
                    break;
            }
        }

        return !dropout && (fresh || replaced);
    }

    private void SetMode(int channel, SensorOverrideMode mode)
    {
        SensorOverrideMode old = _mode[channel];
        if (old == mode)
        {
            return;
        }

        int sensor = SensorOf(channel);
        if (old == SensorOverrideMode.None)
        {
            _active[sensor]++;
        }
        else if (mode == SensorOverrideMode.None)
        {
            _active[sensor]--;
        }

        _mode[channel] = mode;
    }

    private int SensorOf(int channel)
    {
        for (int s = _first.Length - 1; s >= 0; s--)
        {
            if (channel >= _first[s])
            {
                return s;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(channel));
    }
}
