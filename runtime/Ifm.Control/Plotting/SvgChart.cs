using System.Globalization;
using System.Security;
using System.Text;

namespace Ifm.Control.Plotting;

/// <summary>
/// A small chart writer for <c>ifm plot</c>: axes with ticks, line series, filled cells, bars, as SVG text
/// (<see cref="Render"/>) or as a PNG drawn by <see cref="PngCanvas"/> from the same primitives (<see cref="RenderPng"/>).
/// No native assets, no reflection: it publishes under NativeAOT on every target as is.
/// </summary>
public sealed class SvgChart
{
    public const int Width = 900;
    private const int Left = 70, Right = 20, Top = 40, Bottom = 50;
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private readonly StringBuilder _body = new();
    private readonly List<(string Name, string Color)> _legend = [];
    private readonly List<Action<PngCanvas>> _raster = [];
    private readonly List<string> _notes = [];
    private List<(double X, double Y)>? _points;
    private double _x0, _x1, _y0, _y1;

    public SvgChart(string title, string xLabel, string yLabel, double x0, double x1, double y0, double y1, int height = 360)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        Height = height;
        if (!(x1 > x0)) x1 = x0 + 1;
        if (!(y1 > y0)) { y0 -= 0.5; y1 = y0 + 1; }
        (_x0, _x1, _y0, _y1) = (x0, x1, y0, y1);
    }

    public string Title { get; }
    public string XLabel { get; }
    public string YLabel { get; }
    public int Height { get; }

    private double PlotW => Width - Left - Right;
    private double PlotH => Height - Top - Bottom;

    public double X(double v) => Left + ((v - _x0) / (_x1 - _x0) * PlotW);

    public double Y(double v) => Top + PlotH - ((v - _y0) / (_y1 - _y0) * PlotH);

    public static string Color(int i) => Palette[i % Palette.Length];

    /// <summary>A polyline; long series are reduced to min/max per pixel column so the shape (and every spike) stays.</summary>
    public void Line(string name, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, string color)
    {
        _legend.Add((name, color));
        _points = [];
        _body.Append(C, $"<polyline class=\"series\" data-name=\"{Esc(name)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.2\" points=\"");
        int columns = (int)PlotW;
        if (xs.Length <= 2 * columns)
        {
            for (int i = 0; i < xs.Length; i++) Point(xs[i], ys[i]);
        }
        else
        {
            int per = (xs.Length + columns - 1) / columns;
            for (int s = 0; s < xs.Length; s += per)
            {
                int e = Math.Min(xs.Length, s + per);
                int lo = s, hi = s;
                for (int i = s; i < e; i++)
                {
                    if (ys[i] < ys[lo]) lo = i;
                    if (ys[i] > ys[hi]) hi = i;
                }

                Point(xs[Math.Min(lo, hi)], ys[Math.Min(lo, hi)]);
                Point(xs[Math.Max(lo, hi)], ys[Math.Max(lo, hi)]);
            }
        }

        _body.Append("\"/>\n");
        (double X, double Y)[] pts = [.. _points!];
        _points = null;
        uint rgb = PngCanvas.ParseColor(color);
        _raster.Add(c =>
        {
            for (int i = 1; i < pts.Length; i++) c.Line(pts[i - 1].X, pts[i - 1].Y, pts[i].X, pts[i].Y, rgb);
            if (pts.Length == 1) c.SetPixel((int)Math.Round(pts[0].X), (int)Math.Round(pts[0].Y), rgb);
        });
    }

    private void Point(double x, double y)
    {
        if (!double.IsFinite(y)) return;
        double px = X(x), py = Y(Math.Clamp(y, _y0, _y1));
        _body.Append(C, $"{px:0.#},{py:0.#} ");
        _points!.Add((px, py));
    }

    /// <summary>A filled rectangle in data coordinates (raster cells, histogram bars); <paramref name="count"/>, when given, is kept as <c>data-count</c>.</summary>
    public void Rect(double x0, double x1, double y0, double y1, string fill, string cssClass, int? count = null)
    {
        double px = X(x0), py = Y(y1), w = Math.Max(0.5, X(x1) - px), h = Math.Max(0.5, Y(y0) - py);
        _body.Append(C, $"<rect class=\"{cssClass}\" x=\"{px:0.##}\" y=\"{py:0.##}\" width=\"{w:0.##}\" height=\"{h:0.##}\" fill=\"{fill}\"{(count is int n ? $" data-count=\"{n}\"" : "")}/>\n");
        uint rgb = PngCanvas.ParseColor(fill);
        _raster.Add(c => c.FillRect(px, py, px + w, py + h, rgb));
    }

    public void Note(string text)
    {
        _notes.Add(text);
        _body.Append(C, $"<text x=\"{Width - Right}\" y=\"{Top - 8}\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">{Esc(text)}</text>\n");
    }

    /// <summary>The same chart as <see cref="Render"/>, drawn into pixels and encoded as PNG.</summary>
    public byte[] RenderPng()
    {
        var c = new PngCanvas(Width, Height);
        uint ink = 0x333333;
        c.Text(Left, 22, Title, 0x000000, scale: 2);
        c.StrokeRect(Left, Top, PlotW, PlotH, ink);
        foreach (double t in Ticks(_x0, _x1))
        {
            c.Line(X(t), Top + PlotH, X(t), Top + PlotH + 5, ink);
            c.Text(X(t), Top + PlotH + 18, Fmt(t), ink, anchor: "middle");
        }

        foreach (double t in Ticks(_y0, _y1))
        {
            c.Line(Left - 5, Y(t), Left, Y(t), ink);
            c.Text(Left - 8, Y(t) + 4, Fmt(t), ink, anchor: "end");
        }

        c.Text(Left + (PlotW / 2), Height - 12, XLabel, 0x000000, anchor: "middle");
        c.Text(16, Top + (PlotH / 2), YLabel, 0x000000, anchor: "middle", vertical: true);
        foreach (Action<PngCanvas> draw in _raster) draw(c);
        for (int i = 0; i < _legend.Count; i++)
        {
            double lx = Left + 10 + ((i % 6) * 135), ly = Top + 12 + ((i / 6) * 14);
            c.FillRect(lx, ly - 8, lx + 10, ly - 5, PngCanvas.ParseColor(_legend[i].Color));
            c.Text(lx + 14, ly, _legend[i].Name, 0x000000);
        }

        foreach (string note in _notes) c.Text(Width - Right, Top - 8, note, 0x555555, anchor: "end");
        return c.EncodePng();
    }

    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\">\n");
        sb.Append(C, $"<title>{Esc(Title)}</title>\n<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        sb.Append(C, $"<text x=\"{Left}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{Esc(Title)}</text>\n");
        sb.Append(C, $"<g class=\"axes\" stroke=\"#333\" fill=\"none\"><rect x=\"{Left}\" y=\"{Top}\" width=\"{PlotW}\" height=\"{PlotH}\"/></g>\n");
        sb.Append("<g class=\"ticks\" font-size=\"11\" fill=\"#333\">\n");
        foreach (double t in Ticks(_x0, _x1))
        {
            sb.Append(C, $"<line x1=\"{X(t):0.#}\" x2=\"{X(t):0.#}\" y1=\"{Top + PlotH}\" y2=\"{Top + PlotH + 5}\" stroke=\"#333\"/><text x=\"{X(t):0.#}\" y=\"{Top + PlotH + 18}\" text-anchor=\"middle\">{Fmt(t)}</text>\n");
        }

        foreach (double t in Ticks(_y0, _y1))
        {
            sb.Append(C, $"<line x1=\"{Left - 5}\" x2=\"{Left}\" y1=\"{Y(t):0.#}\" y2=\"{Y(t):0.#}\" stroke=\"#333\"/><text x=\"{Left - 8}\" y=\"{Y(t) + 4:0.#}\" text-anchor=\"end\">{Fmt(t)}</text>\n");
        }

        sb.Append("</g>\n");
        sb.Append(C, $"<text x=\"{Left + (PlotW / 2)}\" y=\"{Height - 12}\" text-anchor=\"middle\" font-size=\"12\">{Esc(XLabel)}</text>\n");
        sb.Append(C, $"<text transform=\"translate(16 {Top + (PlotH / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">{Esc(YLabel)}</text>\n");
        sb.Append("<g class=\"data\">\n").Append(_body).Append("</g>\n");
        if (_legend.Count > 0)
        {
            sb.Append("<g class=\"legend\" font-size=\"11\">\n");
            for (int i = 0; i < _legend.Count; i++)
            {
                double lx = Left + 10 + ((i % 6) * 135), ly = Top + 12 + ((i / 6) * 14);
                sb.Append(C, $"<rect x=\"{lx}\" y=\"{ly - 8}\" width=\"10\" height=\"3\" fill=\"{_legend[i].Color}\"/><text x=\"{lx + 14}\" y=\"{ly}\">{Esc(_legend[i].Name)}</text>\n");
            }

            sb.Append("</g>\n");
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>About five round tick values between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static List<double> Ticks(double a, double b)
    {
        double span = b - a;
        double step = Math.Pow(10, Math.Floor(Math.Log10(span / 5)));
        double err = span / 5 / step;
        if (err >= 5) step *= 5;
        else if (err >= 2) step *= 2;
        var ticks = new List<double>();
        for (double t = Math.Ceiling(a / step) * step; t <= b + (step * 1e-9); t += step) ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    private static string Fmt(double v) => v.ToString(Math.Abs(v) >= 1e5 || (Math.Abs(v) < 1e-3 && v != 0) ? "0.##E+0" : "0.###", C);

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
