using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Ifm.Control.Plotting;

/// <summary>
/// An RGB pixel buffer that draws the primitives of <see cref="SvgChart"/> (filled rectangles, lines, 5×7 text) and
/// encodes itself as a PNG (8-bit RGB, zlib from System.IO.Compression, CRC-32 here).
/// </summary>
/// <remarks>
/// Why our own rasteriser and not a plotting library: ScottPlot 5 draws through SkiaSharp, whose native assets are
/// 9.0 MB (libSkiaSharp) plus 2.5 MB (HarfBuzz) per target, to ship beside a 10 MB <c>ifm</c> on an ARM board, for
/// charts that are axes, lines, rectangles and labels. This is managed code only: it publishes under NativeAOT on x64
/// and arm64 as is, with no native file and no reflection. Lines are 1 px without anti-aliasing; text is a 5×7 pixel
/// font (<see cref="PixelFont"/>).
/// </remarks>
public sealed class PngCanvas
{
    private static readonly uint[] CrcTable = MakeCrcTable();
    private readonly byte[] _rgb;

    public PngCanvas(int width, int height, uint background = 0xFFFFFF)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The colour at (<paramref name="x"/>, <paramref name="y"/>) as 0xRRGGBB.</summary>
    public uint this[int x, int y]
    {
        get
        {
            int i = ((y * Width) + x) * 3;
            return ((uint)_rgb[i] << 16) | ((uint)_rgb[i + 1] << 8) | _rgb[i + 2];
        }
    }

    /// <summary>0xRRGGBB of an SVG colour: <c>#rrggbb</c>, <c>#rgb</c>, <c>white</c>, <c>black</c>.</summary>
    public static uint ParseColor(string color)
    {
        ArgumentNullException.ThrowIfNull(color);
        if (color == "white") return 0xFFFFFF;
        if (color == "black" || color.Length < 4 || color[0] != '#') return 0;
        string hex = color.Length == 4 ? string.Concat(color[1], color[1], color[2], color[2], color[3], color[3]) : color[1..];
        return uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint v) ? v & 0xFFFFFF : 0;
    }

    public void SetPixel(int x, int y, uint color)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = ((y * Width) + x) * 3;
        _rgb[i] = (byte)(color >> 16);
        _rgb[i + 1] = (byte)(color >> 8);
        _rgb[i + 2] = (byte)color;
    }

    /// <summary>Fills the pixels whose centres lie in [x0, x1) × [y0, y1); at least one pixel each way.</summary>
    public void FillRect(double x0, double y0, double x1, double y1, uint color)
    {
        int ax = (int)Math.Round(Math.Min(x0, x1)), bx = Math.Max(ax + 1, (int)Math.Round(Math.Max(x0, x1)));
        int ay = (int)Math.Round(Math.Min(y0, y1)), by = Math.Max(ay + 1, (int)Math.Round(Math.Max(y0, y1)));
        ax = Math.Max(0, ax);
        ay = Math.Max(0, ay);
        bx = Math.Min(Width, bx);
        by = Math.Min(Height, by);
        for (int y = ay; y < by; y++)
        {
            for (int x = ax; x < bx; x++) SetPixel(x, y, color);
        }
    }

    /// <summary>A 1-pixel line (Bresenham) between two points.</summary>
    public void Line(double x0, double y0, double x1, double y1, uint color)
    {
        if (!double.IsFinite(x0) || !double.IsFinite(y0) || !double.IsFinite(x1) || !double.IsFinite(y1)) return;
        int ax = (int)Math.Round(x0), ay = (int)Math.Round(y0), bx = (int)Math.Round(x1), by = (int)Math.Round(y1);
        int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay);
        int sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, err = dx + dy;
        while (true)
        {
            SetPixel(ax, ay, color);
            if (ax == bx && ay == by) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; ax += sx; }
            if (e2 <= dx) { err += dx; ay += sy; }
        }
    }

    public void StrokeRect(double x, double y, double w, double h, uint color)
    {
        Line(x, y, x + w, y, color);
        Line(x + w, y, x + w, y + h, color);
        Line(x + w, y + h, x, y + h, color);
        Line(x, y + h, x, y, color);
    }

    /// <summary>Pixel width of <paramref name="text"/> at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale) => text.Length == 0 ? 0 : ((text.Length * PixelFont.Advance) - 1) * scale;

    /// <summary>
    /// Text with its baseline at <paramref name="y"/>, as SVG places it: <paramref name="anchor"/> is start, middle
    /// or end at <paramref name="x"/>; <paramref name="vertical"/> turns it to read bottom to top (SVG rotate(-90)).
    /// </summary>
    public void Text(double x, double y, string text, uint color, int scale = 1, string anchor = "start", bool vertical = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        int w = TextWidth(text, scale);
        int shift = anchor switch { "middle" => w / 2, "end" => w, _ => 0 };
        int ox = (int)Math.Round(x), oy = (int)Math.Round(y);
        for (int c = 0; c < text.Length; c++)
        {
            for (int row = 0; row < PixelFont.GlyphHeight; row++)
            {
                for (int col = 0; col < PixelFont.GlyphWidth; col++)
                {
                    if (!PixelFont.Pixel(text[c], col, row)) continue;

                    // Glyph-space offsets: u along the text, v downwards from the top of the glyph (baseline at 7).
                    int u = (c * PixelFont.Advance * scale) + (col * scale) - shift;
                    int v = (row - PixelFont.GlyphHeight) * scale;
                    for (int a = 0; a < scale; a++)
                    {
                        for (int b = 0; b < scale; b++)
                        {
                            if (vertical) SetPixel(ox + v + b, oy - u - a, color);
                            else SetPixel(ox + u + a, oy + v + b + 1, color);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The image as a PNG file: signature, IHDR (8-bit RGB), one zlib IDAT (filter 0 rows), IEND.</summary>
    public byte[] EncodePng()
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), Height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", ihdr);

        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            int stride = Width * 3;
            for (int y = 0; y < Height; y++)
            {
                z.WriteByte(0); // filter: none
                z.Write(_rgb, y * stride, stride);
            }
        }

        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        byte[] typeBytes = [(byte)type[0], (byte)type[1], (byte)type[2], (byte)type[3]];
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFF, typeBytes), data) ^ 0xFFFFFFFF;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        s.Write(word);
    }

    /// <summary>The PNG/zlib CRC-32 (polynomial 0xEDB88320) continued over <paramref name="data"/> (pre- and post-inverted by the caller).</summary>
    internal static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            t[n] = c;
        }

        return t;
    }
}
