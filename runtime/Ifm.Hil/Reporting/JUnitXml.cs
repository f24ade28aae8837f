using System.Text;

namespace Ifm.Hil.Reporting;

/// <summary>
/// The little XML that JUnit reports need: elements, attributes and text, escaped; characters XML 1.0 cannot hold
/// (most control characters, lone surrogates) become U+FFFD instead of failing the report.
/// </summary>
/// <remarks>Ours rather than System.Xml's XmlWriter: that writer and its encoders cost several hundred KB of the
/// NativeAOT binary (budget 10 MB) for a report of five element names.</remarks>
internal sealed class JUnitXml
{
    private readonly StringBuilder _sb = new("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");

    /// <summary>Starts an element with its attributes; finish the tag with <see cref="Close"/> or <see cref="SelfClose"/>.</summary>
    public JUnitXml Open(string name, params (string Name, string Value)[] attributes)
    {
        _sb.Append('<').Append(name);
        foreach (var (n, v) in attributes)
        {
            _sb.Append(' ').Append(n).Append("=\"");
            Escape(v, attribute: true);
            _sb.Append('"');
        }

        return this;
    }

    /// <summary>Ends a start tag (the element stays open until <see cref="End"/>).</summary>
    public JUnitXml Close(bool newline = false)
    {
        _sb.Append('>');
        if (newline) _sb.Append('\n');
        return this;
    }

    /// <summary>Ends a start tag as an empty element.</summary>
    public JUnitXml SelfClose()
    {
        _sb.Append("/>\n");
        return this;
    }

    public JUnitXml Text(string text)
    {
        Escape(text, attribute: false);
        return this;
    }

    public JUnitXml End(string name)
    {
        _sb.Append("</").Append(name).Append(">\n");
        return this;
    }

    public override string ToString() => _sb.ToString();

    private void Escape(string s, bool attribute)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': _sb.Append("&amp;"); break;
                case '<': _sb.Append("&lt;"); break;
                case '>': _sb.Append("&gt;"); break;
                case '"' when attribute: _sb.Append("&quot;"); break;
                case '\n' or '\r' or '\t' when attribute: _sb.Append("&#").Append((int)c).Append(';'); break;
                case '\n' or '\r' or '\t': _sb.Append(c); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        _sb.Append(c).Append(s[++i]);
                    }
                    else if (c < 0x20 || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                    {
                        _sb.Append('\uFFFD');
                    }
                    else
                    {
                        _sb.Append(c);
                    }

                    break;
            }
        }
    }
}
