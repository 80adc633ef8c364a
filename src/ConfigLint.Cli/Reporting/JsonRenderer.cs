using System.Text;
using System.Text.Json;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Cli.Reporting;

/// <summary>
/// The JSON contract: <c>{"findings":[{"ruleId","level","message","path","line","column","endLine","endColumn","fix"}]}</c>,
/// 1-based positions, <c>related</c> only for cross-file findings. Written with Utf8JsonWriter (no reflection, AOT-safe).
/// </summary>
public static class JsonRenderer
{
    public static string Render(IReadOnlyList<Finding> findings)
    {
        using var stream = new MemoryStream(JsonRenderer.Capacity(findings.Count));
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("findings");
            foreach (var f in findings)
            {
                FlushIfLarge(w);
                var span = f.LineSpan;
                w.WriteStartObject();
                w.WriteString("ruleId", f.RuleId);
                w.WriteString("level", f.Level.ToText());
                w.WriteString("message", f.Message);
                w.WriteString("path", f.Path);
                w.WriteNumber("line", span.Start.Line + 1);
                w.WriteNumber("column", span.Start.Character + 1);
                w.WriteNumber("endLine", span.End.Line + 1);
                w.WriteNumber("endColumn", span.End.Character + 1);
                if (f.Fix is null)
                {
                    w.WriteNull("fix");
                }
                else
                {
                    w.WriteString("fix", f.Fix.Applicability == FixApplicability.Safe ? "safe" : "unsafe");
                }

                if (f.Related.Length > 0)
                {
                    w.WriteStartArray("related");
                    foreach (var r in f.Related)
                    {
                        var rs = r.Location.LineSpan.Start;
                        w.WriteStartObject();
                        w.WriteString("path", r.Location.Path);
                        w.WriteNumber("line", rs.Line + 1);
                        w.WriteNumber("column", rs.Character + 1);
                        w.WriteString("message", r.Message);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Text(stream);
    }

    /// <summary>
    /// A report of thousands of findings is megabytes: the writer hands its buffer to the stream every 16 KB instead of
    /// growing it to the whole report (each doubling a large-object allocation that can set off a full collection).
    /// </summary>
    internal static void FlushIfLarge(Utf8JsonWriter writer)
    {
        if (writer.BytesPending > 16 * 1024)
        {
            writer.Flush();
        }
    }

    /// <summary>The stream's first size: about what a finding takes, so that a large report grows it once or twice.</summary>
    internal static int Capacity(int findings) => (int)Math.Min(256L * 1024 * 1024, 4096L + (512L * findings));

    /// <summary>The UTF-8 the writer produced, with the final newline, decoded without another copy of the bytes.</summary>
    internal static string Text(MemoryStream stream)
    {
        stream.WriteByte((byte)'\n');
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
