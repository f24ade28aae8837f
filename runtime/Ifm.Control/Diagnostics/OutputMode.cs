namespace Ifm.Control.Diagnostics;

/// <summary>How `ifm run` writes progress.</summary>
public enum OutputMode
{
    /// <summary>A terminal: one status line redrawn in place.</summary>
    Terminal,

    /// <summary>A pipe or file: plain status lines at an interval, nothing redrawn.</summary>
    Plain,

    /// <summary>The systemd journal: plain lines with sd-daemon(3) "&lt;N&gt;" priority prefixes.</summary>
    Journal,
}

/// <summary>Writes log lines in the chosen <see cref="OutputMode"/>.</summary>
public sealed class RunLog(TextWriter output, TextWriter error, OutputMode mode)
{
    private readonly object _gate = new();
    private bool _statusShown;

    public OutputMode Mode => mode;

    /// <summary>Picks the mode: journal when stdout goes to journald ($JOURNAL_STREAM), plain when not a terminal.</summary>
    public static OutputMode Detect(bool outputRedirected)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"))) return OutputMode.Journal;
        return outputRedirected ? OutputMode.Plain : OutputMode.Terminal;
    }

    public void Info(string line) => Write(output, 6, line);

    public void Notice(string line) => Write(output, 5, line);

    public void Warning(string line) => Write(error, 4, line);

    public void Error(string line) => Write(error, 3, line);

    /// <summary>A status line: redrawn in place on a terminal, a plain line otherwise.</summary>
    public void Status(string line)
    {
        lock (_gate)
        {
            if (mode == OutputMode.Terminal)
            {
                output.Write("\r\u001b[K" + line);
                output.Flush();
                _statusShown = true;
            }
            else
            {
                WriteLine(output, 6, line);
            }
        }
    }

    private void Write(TextWriter w, int priority, string text)
    {
        lock (_gate)
        {
            if (_statusShown)
            {
                output.Write("\r\u001b[K");
                _statusShown = false;
            }

            foreach (string line in text.Split('\n')) WriteLine(w, priority, line);
        }
    }

    private void WriteLine(TextWriter w, int priority, string line)
    {
        w.WriteLine(mode == OutputMode.Journal ? $"<{priority}>{line}" : line);
        w.Flush();
    }
}
