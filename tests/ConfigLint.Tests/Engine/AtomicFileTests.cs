using ConfigLint.Analysis.IO;
using ConfigLint.Tests.Hostile;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>
/// The write path of <c>fix</c> and <c>--output</c> (issue 11, rows 1, 8 and 10): exclusive temporary files, and an
/// edit made by someone else between ConfigLint's read and its rename is never lost.
/// </summary>
[Collection(nameof(AtomicFileTests))]
[CollectionDefinition(nameof(AtomicFileTests), DisableParallelization = true)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AtomicFileTests
{
    private static readonly byte[] Original = "SafeLogging 0\n"u8.ToArray();
    private static readonly byte[] Fixed = "\n"u8.ToArray();

    [LinuxFact]
    public void Replace_writes_the_new_bytes_and_leaves_no_temporary_file()
    {
        using var t = new TempTree();
        var path = t.WriteBytes("torrc", Original);
        AtomicFile.Replace(path, Original, Fixed);
        File.ReadAllBytes(path).ShouldBe(Fixed);
        Directory.GetFiles(t.Root).ShouldBe([path]);
        TemporaryFiles.Count.ShouldBe(0);
    }

    [LinuxFact]
    public void An_edit_in_place_before_the_exchange_is_kept_and_reported()
    {
        using var t = new TempTree();
        var path = t.WriteBytes("torrc", Original);
        var edited = "SafeLogging 0\nNickname mine\n"u8.ToArray();
        WithHook(path, _ =>
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Write);
            s.Write(edited);
        }, () => Should.Throw<IOException>(() => AtomicFile.Replace(path, Original, Fixed)).Message.ShouldContain("changed while ConfigLint was fixing it"));
        File.ReadAllBytes(path).ShouldBe(edited);
        Directory.GetFiles(t.Root).ShouldBe([path]);
    }

    [LinuxFact]
    public void A_file_replaced_by_an_editor_before_the_exchange_is_kept_and_reported()
    {
        using var t = new TempTree();
        var path = t.WriteBytes("torrc", Original);
        var edited = "Nickname theirs\n"u8.ToArray();
        WithHook(path, _ =>
        {
            // What editors do: write a new file and rename it over the old one.
            var theirs = Path.Combine(t.Root, "torrc.swp");
            File.WriteAllBytes(theirs, edited);
            File.Move(theirs, path, overwrite: true);
        }, () => Should.Throw<IOException>(() => AtomicFile.Replace(path, Original, Fixed)));
        File.ReadAllBytes(path).ShouldBe(edited);
        Directory.GetFiles(t.Root).ShouldBe([path]);
    }

    [LinuxFact]
    public void A_file_that_changed_since_it_was_read_is_not_written()
    {
        using var t = new TempTree();
        var path = t.WriteBytes("torrc", "Nickname new\n"u8.ToArray());
        Should.Throw<IOException>(() => AtomicFile.Replace(path, Original, Fixed));
        File.ReadAllText(path).ShouldBe("Nickname new\n");
    }

    [LinuxFact]
    public void A_symlink_is_followed_to_its_regular_file_and_stays_a_symlink()
    {
        using var t = new TempTree();
        var real = t.WriteBytes("conf/torrc.real", Original);
        var link = Path.Combine(t.Root, "torrc");
        File.CreateSymbolicLink(link, "conf/torrc.real");
        AtomicFile.Replace(link, Original, Fixed);
        new FileInfo(link).LinkTarget.ShouldBe("conf/torrc.real");
        File.ReadAllBytes(real).ShouldBe(Fixed);
    }

    [LinuxFact]
    public void Mode_is_kept_including_restrictive_ones()
    {
        using var t = new TempTree();
        var path = t.WriteBytes("torrc", Original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        AtomicFile.Replace(path, Original, Fixed);
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
    }

    [LinuxFact]
    public void Write_creates_a_new_report_and_replaces_a_regular_one_but_writes_through_a_fifo()
    {
        using var t = new TempTree();
        var report = Path.Combine(t.Root, "report.json");
        AtomicFile.Write(report, "one"u8.ToArray());
        File.ReadAllText(report).ShouldBe("one");
        AtomicFile.Write(report, "two"u8.ToArray());
        File.ReadAllText(report).ShouldBe("two");

        var fifo = Path.Combine(t.Root, "pipe");
        HostileTree.Shell("mkfifo", fifo).ShouldBeSuccessful();
        var reader = Task.Run(() => File.ReadAllText(fifo));
        AtomicFile.Write(fifo, "through"u8.ToArray());
        reader.Wait(TimeSpan.FromSeconds(20)).ShouldBeTrue();
        reader.Result.ShouldBe("through");
        HostileTree.Shell("test", "-p", fifo).ShouldBeSuccessful();
    }

    private static void WithHook(string target, Action<string> hook, Action act)
    {
        var previous = AtomicFile.BeforeExchange;
        AtomicFile.BeforeExchange = t =>
        {
            if (t == target)
            {
                hook(t);
            }
        };
        try
        {
            act();
        }
        finally
        {
            AtomicFile.BeforeExchange = previous;
        }
    }
}
