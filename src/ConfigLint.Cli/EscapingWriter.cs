using ConfigLint.Cli.Reporting;

namespace ConfigLint.Cli;

/// <summary>A writer for standard error that shows control characters visibly (<see cref="Escape.ForTerminal"/>), line by line.</summary>
internal sealed class EscapingWriter(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter accepts null; the inner writer decides.
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => inner.Write(value is '\n' ? "\n" : Escape.ForTerminal(value.ToString()));

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        // Keep the line breaks this program writes; escape everything inside a line.
        var lines = value.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                inner.Write('\n');
            }

            inner.Write(Escape.ForTerminal(lines[i]));
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.Write(inner.NewLine);
    }

    public override void Flush() => inner.Flush();
}
