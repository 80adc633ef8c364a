namespace ConfigLint.Cli;

/// <summary>Where the CLI writes and whether stdout is a terminal (colour and code frames) or piped (plain).</summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, string CurrentDirectory, bool Terminal, bool Color);
