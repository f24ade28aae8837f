namespace Ifm.FirmwareBridge.Protocol;

/// <summary>Consistent Overhead Byte Stuffing: removes every 0x00 so 0x00 can delimit frames.</summary>
public static class Cobs
{
    /// <summary>Worst-case encoded length of <paramref name="length"/> bytes (no delimiter).</summary>
    public static int MaxEncodedLength(int length) => length + length / 254 + 1;

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/> (no delimiter).</summary>
    /// <returns>The encoded length, or -1 when the destination is too small.</returns>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < MaxEncodedLength(source.Length))
        {
            return -1;
        }

        int output = 1;
        int codeAt = 0;
        byte code = 1;
        foreach (byte b in source)
        {
            if (b == 0)
            {
                destination[codeAt] = code;
                codeAt = output++;
                code = 1;
            }
            else
            {
                destination[output++] = b;
                if (++code == 0xFF)
                {
                    destination[codeAt] = code;
                    codeAt = output++;
                    code = 1;
                }
            }
        }

        destination[codeAt] = code;
        return output;
    }

    /// <summary>Decodes <paramref name="source"/> (no delimiter).</summary>
    /// <returns>The decoded length, or -1 when the input is malformed or the destination too small.</returns>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int input = 0;
        int output = 0;
        while (input < source.Length)
        {
            byte code = source[input++];
            if (code == 0)
            {
                return -1;
            }

            int run = code - 1;
            if (run > source.Length - input || run > destination.Length - output)
            {
                return -1;
            }

            ReadOnlySpan<byte> block = source.Slice(input, run);
            if (block.Contains((byte)0))
            {
                return -1;
            }

            block.CopyTo(destination[output..]);
            input += run;
            output += run;
            if (code != 0xFF && input < source.Length)
            {
                if (output >= destination.Length)
                {
                    return -1;
                }

                destination[output++] = 0;
            }
        }

        return output;
    }
}
