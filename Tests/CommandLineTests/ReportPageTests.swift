import DataFiles
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Plotting
@testable import chess_concepts
import Testing

struct ReportPageTests {
    struct Knobs: Codable { let seed: Int; let layer: String }

    /// A demo-like run directory: a root manifest naming its parts, and two runs with
    /// their own manifests, files and pictures (named as no real run names them, so the
    /// page can only have found them through the manifests).
    static func makeRun(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(name)-\(getpid())").path
        for folder in ["first", "second/inner"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        try AtomicFileWriter.write(Data("fen,in_check\nx,1\n".utf8), to: directory + "/table.csv")
        try RunManifest(command: "demo", title: "The whole run", summary: "Everything <below>.", settings: Knobs(seed: 7, layer: "block2"),
                        outcome: ["positions": 1], files: [.init(path: "table.csv", caption: "the table")],
                        parts: ["second/inner", "first", "absent"]).write(to: directory)
        let picture = BarChart(title: "a curve", valueLabel: "score", bars: [.init(label: "gradient", value: 0.5)])
        try picture.write(to: directory + "/first/curve", formats: .all)
        try AtomicFileWriter.write(Data("method,reached\ngradient,0.5\n".utf8), to: directory + "/first/scores.csv")
        try RunManifest(command: "tcav", title: "First analysis", summary: "It measures one thing.", settings: Knobs(seed: 1, layer: "stem"),
                        outcome: [0.5], findings: ["in_check rises & falls."],
                        tables: [.init(path: "scores.csv", caption: "scores")], figures: [.init(path: "curve.png", caption: "a curve")],
                        files: [.init(path: "missing.jsonl", caption: "never written")]).write(to: directory + "/first")
        try AtomicFileWriter.write(Data(#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>"#.utf8),
                                   to: directory + "/second/inner/board.svg")
        try RunManifest(command: "maximise", title: "Second analysis", summary: "Boards.", settings: Knobs(seed: 2, layer: "block4"),
                        outcome: [String](), figures: [.init(path: "board.svg", caption: "a board")]).write(to: directory + "/second/inner")
        return directory
    }

    @Test func thePageFollowsTheManifestsAndEveryReferencedFileExists() throws {
        let directory = try Self.makeRun("full")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let page = try String(contentsOfFile: try ReportPage(directory: directory).write(), encoding: .utf8)
        let references = ReportPage.references(in: page)
        // src, then href: a figure is shown from its SVG, with its PNG and PDF linked.
        #expect(references == ["second/inner/board.svg", "first/curve.svg", "table.csv", "first/scores.csv", "first/curve.png", "first/curve.pdf"])
        for reference in references {
            let path = directory + "/" + reference
            #expect(FileManager.default.fileExists(atPath: path), "\(reference) is referenced but missing")
            if reference.hasSuffix(".png") { #expect(throws: Never.self) { try RasterImage.decodePNG(Data(contentsOf: URL(fileURLWithPath: path))) } }
            if reference.hasSuffix(".svg") { #expect(XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path))).parse()) }
            if reference.hasSuffix(".pdf") { #expect(try Data(contentsOf: URL(fileURLWithPath: path)).starts(with: Data("%PDF-".utf8))) }
        }
        // Parts in the root manifest's order; a part without a manifest and a file never written are left out.
        let second = try #require(page.range(of: "Second analysis")), first = try #require(page.range(of: "First analysis"))
        #expect(second.lowerBound < first.lowerBound)
        #expect(!page.contains("missing.jsonl") && !page.contains("absent"))
        // Text is escaped; findings, inline tables and settings are shown.
        #expect(page.contains("Everything &lt;below&gt;.") && page.contains("<li>in_check rises &amp; falls.</li>"))
        #expect(page.contains("<td>gradient</td><td>0.5</td>") && page.contains("<tr><td>layer</td><td>stem</td></tr>"))
        #expect(Self.unbalancedTags(page).isEmpty)
    }

    @Test func aFolderWithoutARootManifestShowsEveryRunBelowIt() throws {
        let directory = try Self.makeRun("discovered")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.removeItem(atPath: directory + "/" + RunManifest.fileName)
        let page = try ReportPage(directory: directory).html()
        let second = try #require(page.range(of: "Second analysis")), first = try #require(page.range(of: "First analysis"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(!page.contains("The whole run"))
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
