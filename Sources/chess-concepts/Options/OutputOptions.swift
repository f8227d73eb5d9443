import ArgumentParser

/// `--out`: the directory a run writes its files into.
struct OutputOptions: ParsableArguments {
    @Option(help: "Directory for the run's files (default: COMMAND-output, such as probe-output).")
    var out: String?
}

/// A command that writes a directory of files.
protocol WritesOutputDirectory: ParsableCommand {
    var destination: OutputOptions { get }
}

extension WritesOutputDirectory {
    /// `--out`, or `<command>-output` in the working directory: two commands never share a
    /// default directory.
    var outputDirectory: String {
        destination.out ?? (Self.configuration.commandName ?? "\(Self.self)") + "-output"
    }
}
