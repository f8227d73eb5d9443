import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild DIR/index.html from a demo run's outputs.")

    @Argument(help: "The run directory (a demo's --out).")
    var directory = "demo-output"

    func run() throws {
        print("Wrote \(try ReportPage(directory: directory).write())")
    }
}
