/// What a run did and wrote: `run.json` beside its files, with the settings that reproduce
/// it, its outcome for machines, and for people its findings, tables, figures and files
/// with captions. A report renders any run from its manifest alone.
///
/// ```swift
/// try RunManifest(command: "tcav", title: "TCAV of the value at block3", summary: "…",
///                 settings: settings, outcome: rows,
///                 tables: [.init(path: "tcav.csv", caption: "TCAV scores")],
///                 figures: [.init(path: "tcav.png", caption: "TCAV scores against random CAVs")]).write(to: out)
/// let manifest = try RunManifest.read(from: out)
/// ```
public struct RunManifest: Codable, Equatable, Sendable {
    /// A file the run wrote, by its path relative to the run's directory, with a caption.
    public struct Entry: Codable, Equatable, Sendable {
        public var path: String
        public var caption: String

        public init(path: String, caption: String) {
            self.path = path
            self.caption = caption
        }
    }

    /// The manifest's file name in a run directory.
    public static let fileName = "run.json"
    /// This program's version, recorded in every manifest.
    public static let toolVersion = "0.8.0"

    /// The subcommand that ran (`probe`, `tcav`, `demo`, …).
    public var command: String
    public var title: String
    /// What the run measures and against what baselines, in a paragraph.
    public var summary: String
    /// The run's settings, as its `Settings` encode them.
    public var settings: JSONValue
    /// The run's returned outcome, as it encodes.
    public var outcome: JSONValue
    /// Sentences reading the outcome.
    public var findings: [String]
    /// CSV tables to show in full.
    public var tables: [Entry]
    public var figures: [Entry]
    /// Other files, linked.
    public var files: [Entry]
    /// Runs inside this one, by directory relative to it, in reading order.
    public var parts: [String]
    /// Versions of what produced the files (`chess-concepts`, the model's encoder, …).
    public var versions: [String: String]
    /// The command line, seed and input files (with sizes and SHA-256) the run was made from;
    /// absent in manifests written before it was recorded.
    public var provenance: Provenance?

    public init(command: String, title: String, summary: String, settings: some Encodable, outcome: some Encodable,
                findings: [String] = [], tables: [Entry] = [], figures: [Entry] = [], files: [Entry] = [], parts: [String] = [],
                versions: [String: String] = [:]) throws {
        self.command = command
        self.title = title
        self.summary = summary
        self.settings = try JSONValue(encoding: settings)
        self.outcome = try JSONValue(encoding: outcome)
        self.findings = findings
        self.tables = tables
        self.figures = figures
        self.files = files
        self.parts = parts
        self.versions = versions.merging(["chess-concepts": Self.toolVersion]) { given, _ in given }
        provenance = Provenance(settings: self.settings)
    }

    /// Writes `directory/run.json` atomically.
    public func write(to directory: String) throws {
        try JSONFile.write(self, to: directory + "/" + Self.fileName)
    }

    /// Reads `directory/run.json`.
    public static func read(from directory: String) throws(DataFileError) -> RunManifest {
        try JSONFile.read(RunManifest.self, from: directory + "/" + fileName)
    }

    /// Every path the manifest names, relative to its directory: what must exist beside it.
    public var paths: [String] { (tables + figures + files).map(\.path) }
}
