using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Dockerfile;

namespace ConfigLint.Semantics.Dockerfile;

/// <summary>A variable (ARG or ENV) and the instruction that set it.</summary>
public sealed record DockerVariable(string Name, string? Value, DockerInstructionSyntax Instruction, bool IsArg);

/// <summary>
/// One build stage: its FROM, its instructions, and the image config it ends with (USER, ENV, HEALTHCHECK),
/// inherited through <c>FROM &lt;earlier stage&gt;</c>.
/// </summary>
public sealed class DockerStage
{
    internal DockerStage(int index, DockerInstructionSyntax from, string baseImage, string? name, DockerStage? baseStage)
    {
        Index = index;
        From = from;
        BaseImage = baseImage;
        Name = name;
        BaseStage = baseStage;
    }

    public int Index { get; }

    public DockerInstructionSyntax From { get; }

    /// <summary>The base image reference after ARG expansion (or the earlier stage's name).</summary>
    public string BaseImage { get; }

    /// <summary>The <c>AS name</c>, lower-cased (stage names are case-insensitive).</summary>
    public string? Name { get; }

    /// <summary>The earlier stage this one builds on (<c>FROM build</c>), whose image config it inherits.</summary>
    public DockerStage? BaseStage { get; }

    public ImmutableArray<DockerInstructionSyntax> Instructions { get; internal set; } = [];

    /// <summary>The last USER of the stage or, without one, of the stage it builds on.</summary>
    public (string User, DockerInstructionSyntax Instruction)? User { get; internal set; }

    /// <summary>The last HEALTHCHECK of the stage or of the stage it builds on.</summary>
    public DockerInstructionSyntax? Healthcheck { get; internal set; }

    /// <summary>ENV in effect at the end of the stage (inherited ones included).</summary>
    public ImmutableDictionary<string, DockerVariable> Env { get; internal set; } = ImmutableDictionary<string, DockerVariable>.Empty;

    /// <summary>ARGs declared in the stage.</summary>
    public ImmutableArray<DockerVariable> Args { get; internal set; } = [];

    public bool IsScratch => BaseStage is null && BaseImage.Equals("scratch", StringComparison.OrdinalIgnoreCase);

    /// <summary>The root of the chain of stages (this one, or the stage it finally builds on).</summary>
    public DockerStage Root => BaseStage?.Root ?? this;
}

/// <summary>
/// The semantic model of a Dockerfile: stages with case-insensitive names, global and per-stage ARGs, ENV,
/// USER and HEALTHCHECK through stage inheritance, and BuildKit's variable substitution where it applies.
/// </summary>
public sealed class DockerfileModel
{
    private static readonly HashSet<string> Substituted = new(StringComparer.Ordinal)
    {
        "add", "copy", "env", "expose", "from", "label", "stopsignal", "user", "volume", "workdir", "onbuild", "arg",
    };

    private DockerfileModel(DockerfileSyntaxTree tree, ImmutableArray<DockerStage> stages, ImmutableArray<DockerVariable> globalArgs,
        IReadOnlyDictionary<string, string> buildArgs)
    {
        Tree = tree;
        Stages = stages;
        GlobalArgs = globalArgs;
        BuildArgs = buildArgs;
    }

    /// <summary>Build arguments given from outside (compose <c>build.args</c>); they override ARG defaults.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; }

    public DockerfileSyntaxTree Tree { get; }

    /// <summary>The build context's ignore file (<c>&lt;Dockerfile&gt;.dockerignore</c>, else <c>.dockerignore</c>).</summary>
    public DockerIgnore Ignore { get; set; } = DockerIgnore.Empty;

    public ImmutableArray<DockerStage> Stages { get; }

    /// <summary>ARGs before the first FROM: usable in FROM lines, and in a stage only when redeclared there.</summary>
    public ImmutableArray<DockerVariable> GlobalArgs { get; }

    /// <summary>A stage by name (case-insensitive) or index.</summary>
    public DockerStage? Stage(string nameOrIndex) =>
        Stages.FirstOrDefault(s => s.Name is not null && s.Name.Equals(nameOrIndex, StringComparison.OrdinalIgnoreCase))
        ?? (int.TryParse(nameOrIndex, out var i) && i >= 0 && i < Stages.Length ? Stages[i] : null);

    /// <summary>The stage that runs: the given target, else the last stage.</summary>
    public DockerStage? RuntimeStage(string? target = null) =>
        target is not null && Stage(target) is { } t ? t : Stages.LastOrDefault();

    /// <summary>The stage an instruction belongs to.</summary>
    public DockerStage? StageOf(DockerInstructionSyntax instruction) =>
        Stages.LastOrDefault(s => s.From.KeywordToken.TokenSpan.Start <= instruction.KeywordToken.TokenSpan.Start);

    /// <summary>Expands a word as BuildKit would at an instruction (ARG/ENV visible there); null when it cannot.</summary>
    /// <summary>The source span of a word inside an instruction's logical line (where it stands alone, else its first occurrence), or the keyword.</summary>
    public SourceLocation Locate(DockerInstructionSyntax instruction, string word)
    {
        var index = WordIndex(instruction.LogicalLine, word);
        var span = index < 0 ? instruction.KeywordToken.TokenSpan : instruction.MapLogical(index, word.Length);
        return new SourceLocation(Tree, span);
    }

    /// <summary>Where a word stands on its own (between blanks or line ends) in a line; else its first occurrence; -1 when absent.</summary>
    private static int WordIndex(string line, string word)
    {
        if (word.Length == 0)
        {
            return -1;
        }

        for (var i = line.IndexOf(word, StringComparison.Ordinal); i >= 0; i = line.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            var end = i + word.Length;
            if ((i == 0 || char.IsWhiteSpace(line[i - 1])) && (end == line.Length || char.IsWhiteSpace(line[end])))
            {
                return i;
            }
        }

        return line.IndexOf(word, StringComparison.Ordinal);
    }

    public string? Expand(string word, DockerInstructionSyntax at)
    {
        if (!Substituted.Contains(at.Command.Keyword))
        {
            return word;
        }

        var stage = StageOf(at);
        var vars = VisibleAt(stage, at);
        return DockerShellWord.Expand(word, n => vars.TryGetValue(n, out var v) ? v : null, out _, Tree.Escape);
    }

    private Dictionary<string, string?> VisibleAt(DockerStage? stage, DockerInstructionSyntax at)
    {
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (stage is null || at == stage.From)
        {
            foreach (var arg in GlobalArgs)
            {
                vars[arg.Name] = arg.Value;
            }

            return vars;
        }

        foreach (var (name, v) in (stage.BaseStage?.Env ?? ImmutableDictionary<string, DockerVariable>.Empty))
        {
            vars[name] = v.Value;
        }

        foreach (var instruction in stage.Instructions.TakeWhile(i => i != at))
        {
            foreach (var v in Declared(instruction, vars))
            {
                vars[v.Name] = v.Value;
            }
        }

        return vars;
    }

    /// <summary>The variables an ARG or ENV instruction sets, given what is visible before it.</summary>
    private IEnumerable<DockerVariable> Declared(DockerInstructionSyntax instruction, Dictionary<string, string?> visible)
    {
        var command = instruction.Command;
        if (command.Keyword == "arg")
        {
            foreach (var word in command.Args)
            {
                var eq = word.IndexOf('=');
                var name = eq < 0 ? word : word[..eq];
                string? value;
                if (BuildArgs.TryGetValue(name, out var given))
                {
                    value = given;
                }
                else if (eq < 0)
                {
                    // Redeclaring a global ARG brings its default into the stage.
                    value = GlobalArgs.LastOrDefault(g => g.Name == name)?.Value;
                }
                else
                {
                    value = DockerShellWord.Expand(word[(eq + 1)..], n => visible.TryGetValue(n, out var v) ? v : null, out _, Tree.Escape);
                }

                yield return new DockerVariable(name, value, instruction, true);
            }
        }
        else if (command.Keyword == "env")
        {
            for (var i = 0; i + 1 < command.Args.Length; i += 3)
            {
                var value = DockerShellWord.Expand(command.Args[i + 1], n => visible.TryGetValue(n, out var v) ? v : null, out _, Tree.Escape);
                yield return new DockerVariable(command.Args[i], value, instruction, false);
            }
        }
    }

    public static DockerfileModel Build(DockerfileSyntaxTree tree) => Build(tree, new Dictionary<string, string>());

    /// <summary>Builds the model with build arguments (compose <c>build.args</c>) overriding ARG defaults.</summary>
    public static DockerfileModel Build(DockerfileSyntaxTree tree, IReadOnlyDictionary<string, string> buildArgs)
    {
        // Global ARGs: everything before the first FROM.
        var globalArgs = new List<DockerVariable>();
        var probe = new DockerfileModel(tree, [], [], buildArgs);
        foreach (var instruction in tree.Instructions.TakeWhile(i => i.Command.Keyword != "from"))
        {
            if (instruction.Command.Keyword == "arg")
            {
                var visible = ToScope(globalArgs);
                globalArgs.AddRange(probe.Declared(instruction, visible));
            }
        }

        var model = new DockerfileModel(tree, [], [.. globalArgs], buildArgs);
        var stages = new List<DockerStage>();
        var globals = ToScope(globalArgs);
        DockerStage? current = null;
        var body = new List<DockerInstructionSyntax>();
        foreach (var instruction in tree.Instructions.SkipWhile(i => i.Command.Keyword != "from"))
        {
            var command = instruction.Command;
            if (command.Keyword != "from")
            {
                body.Add(instruction);
                continue;
            }

            if (current is not null)
            {
                model.Finish(current, body);
            }

            body = [];
            var args = command.Args;
            var image = args.Length > 0 ? args[0] : string.Empty;
            var expanded = DockerShellWord.Expand(image, n => globals.TryGetValue(n, out var v) ? v : null, out _, tree.Escape) ?? image;
            var name = args.Length >= 3 && args[1].Equals("as", StringComparison.OrdinalIgnoreCase) ? args[2].ToLowerInvariant() : null;
            var baseStage = stages.LastOrDefault(st => st.Name is not null && st.Name.Equals(expanded, StringComparison.OrdinalIgnoreCase));
            current = new DockerStage(stages.Count, instruction, expanded, name, baseStage);
            stages.Add(current);
        }

        if (current is not null)
        {
            model.Finish(current, body);
        }

        return new DockerfileModel(tree, [.. stages], [.. globalArgs], buildArgs);
    }

    /// <summary>Name → value, the last declaration winning (ARG may be declared twice).</summary>
    private static Dictionary<string, string?> ToScope(IEnumerable<DockerVariable> variables)
    {
        var scope = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var v in variables)
        {
            scope[v.Name] = v.Value;
        }

        return scope;
    }

    /// <summary>Computes a stage's image config at its end: ARGs, ENV, USER, HEALTHCHECK.</summary>
    private void Finish(DockerStage stage, List<DockerInstructionSyntax> instructions)
    {
        stage.Instructions = [.. instructions];
        var env = stage.BaseStage?.Env ?? ImmutableDictionary<string, DockerVariable>.Empty;
        var args = ImmutableArray.CreateBuilder<DockerVariable>();
        var user = stage.BaseStage?.User;
        var health = stage.BaseStage?.Healthcheck;
        var visible = ToScope(env.Values);
        foreach (var instruction in instructions)
        {
            switch (instruction.Command.Keyword)
            {
                case "arg" or "env":
                    foreach (var v in Declared(instruction, visible))
                    {
                        visible[v.Name] = v.Value;
                        if (v.IsArg)
                        {
                            args.Add(v);
                        }
                        else
                        {
                            env = env.SetItem(v.Name, v);
                        }
                    }

                    break;
                case "user" when instruction.Command.Args.Length > 0:
                    var raw = instruction.Command.Args[0];
                    user = (DockerShellWord.Expand(raw, n => visible.TryGetValue(n, out var v) ? v : null, out _, Tree.Escape) ?? raw, instruction);
                    break;
                case "healthcheck":
                    health = instruction;
                    break;
            }
        }

        stage.Env = env;
        stage.Args = args.ToImmutable();
        stage.User = user;
        stage.Healthcheck = health;
    }
}
