import DataFiles
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Plotting
@testable import ChessInterpretability
@testable import chess_concepts
import Testing

struct ReportPageTests {
    /// A run directory with what each demo step writes.
    static func makeRun(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(name)-\(getpid())").path
        for folder in ["probe", "maximise/in_check/boards", "tabular", "images", "tcav", "relevance/value", "attribute"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        try AtomicFileWriter.write(Data(#"{"model": "models/default", "seed": 1}"#.utf8), to: directory + "/run.json")
        try AtomicFileWriter.write(Data("fen,in_check\n".utf8), to: directory + "/positions.csv")
        let rows = [0, 2000].flatMap { step in
            ["input", "block1"].map { layer in
                GridRow(concept: "in_check", step: step, layer: layer, probe: "logistic", readout: "linear", classWeight: "balanced", metric: "roc_auc", score: step == 0 ? 0.6 : 0.9, low: 0.5,
                        high: 0.95, inputBaseline: 0.6, randomBaseline: 0.62, control: 0.5, penalty: 1, trainPositions: 100, validationPositions: 20, testPositions: 30,
                        trainPositives: 40, testPositives: 12)
            }
        }
        let grid = ([GridRow.columns.joined(separator: ",")] + rows.map { TableFormat.csv.row($0.values, columns: GridRow.columns) }).joined(separator: "\n")
        try AtomicFileWriter.write(Data(grid.utf8), to: directory + "/probe/grid.csv")
        let picture = Image(width: 4, height: 3)
        for png in ["probe/overview.png", "probe/in_check-heatmap.png", "probe/in_check-curves.png", "tabular/feature_changes.png", "images/grid.png", "tcav/tcav.png",
                    "relevance/value/relevance.png", "relevance/value/channels.png", "attribute/top.png", "attribute/bottom.png"] {
            try picture.writePNG(to: directory + "/" + png)
        }
        try AtomicFileWriter.write(Data("method,searches,legal\ngradient,2,1.000\n".utf8), to: directory + "/maximise/in_check/summary.csv")
        try AtomicFileWriter.write(Data("{}\n".utf8), to: directory + "/maximise/in_check/results.jsonl")
        try AtomicFileWriter.write(Data(#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>"#.utf8),
                                   to: directory + "/maximise/in_check/boards/000.svg")
        for file in ["tabular/feature_changes.csv", "tabular/rows.csv", "images/examples.csv", "tcav/tcav.csv", "relevance/value/squares.csv",
                     "relevance/value/planes.csv", "relevance/value/channels.csv", "attribute/attribution.csv", "attribute/retrain.csv"] {
            try AtomicFileWriter.write(Data("a\n1\n".utf8), to: directory + "/" + file)
        }
        try AtomicFileWriter.write(Data(#"{"concept": "in_check"}"#.utf8), to: directory + "/relevance/value/relevance.json")
        try AtomicFileWriter.write(Data(#"{"concept": "material_advantage", "checkpoints": [1002, 2000]}"#.utf8), to: directory + "/attribute/attribution.json")
        return directory
    }

    @Test func everyReferencedFileExistsAndEveryPictureDecodes() throws {
        let directory = try Self.makeRun("full")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let page = try String(contentsOfFile: try ReportPage(directory: directory).write(), encoding: .utf8)
        let references = ReportPage.references(in: page)
        #expect(references.contains("probe/in_check-heatmap.png") && references.contains("maximise/in_check/boards/000.svg"))
        #expect(references.contains("tcav/tcav.png"))
        #expect(references.contains("relevance/value/channels.png") && references.contains("attribute/top.png") && references.contains("attribute/attribution.csv"))
        #expect(page.contains("Removal check"))
        for reference in references {
            let path = directory + "/" + reference
            #expect(FileManager.default.fileExists(atPath: path), "\(reference) is referenced but missing")
            if reference.hasSuffix(".png") { #expect(throws: Never.self) { try Image.decodePNG(Data(contentsOf: URL(fileURLWithPath: path))) } }
            if reference.hasSuffix(".svg") { #expect(XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path))).parse()) }
        }
        #expect(Self.unbalancedTags(page).isEmpty)
        #expect(page.contains("above both baselines") || page.contains("never clearly above"))
    }

    @Test func aMissingStepLeavesItsSectionOut() throws {
        let directory = try Self.makeRun("partial")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.removeItem(atPath: directory + "/images")
        let page = try ReportPage(directory: directory).html()
        #expect(!page.contains("images/grid.png"))
        #expect(Self.unbalancedTags(page).isEmpty)
    }

    /// Opening and closing tags that do not pair up (void elements aside).
    static func unbalancedTags(_ html: String) -> [String] {
        let void: Set<String> = ["meta", "img", "br", "hr", "link", "input", "!doctype"]
        var stack = [String](), problems = [String]()
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { problems.append("unclosed <"); break }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            let name = tag.split(whereSeparator: { $0 == " " || $0 == "/" && tag.first != "/" }).first.map { $0.lowercased() } ?? ""
            if tag.hasPrefix("/") {
                let closing = String(tag.dropFirst()).lowercased()
                if stack.last == closing { stack.removeLast() } else { problems.append("</\(closing)> closes <\(stack.last ?? "nothing")>") }
            } else if !void.contains(name) {
                stack.append(name)
            }
        }
        return problems + stack.map { "<\($0)> never closed" }
    }
}
