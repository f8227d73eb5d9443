import DataFiles
import Foundation
import ChessInterpretability

/// The one page a person reads after a demo run: `index.html` in the run's directory,
/// built from the files the steps wrote (whichever are present), with pictures linked by
/// relative paths so the folder can be moved, mailed or opened offline.
public struct ReportPage {
    /// The run directory (holding `run.json` and the steps' sub-directories).
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes `index.html` atomically and returns its path.
    @discardableResult
    public func write() throws -> String {
        let path = directory + "/index.html"
        try AtomicFileWriter.write(Data(try html().utf8), to: path)
        return path
    }

    /// The page.
    public func html() throws -> String {
        var body = "<h1>ChessConcepts report</h1>\n" + runDescription()
        body += analyseSection()
        body += try probeSection()
        body += try maximiseSection()
        body += try tabularSection()
        body += try imageSection()
        body += try tcavSection()
        body += relevanceSection()
        body += try attributionSection()
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>ChessConcepts report</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
            h1, h2, h3 { font-weight: 600; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
            table { border-collapse: collapse; margin: 1em 0; font-size: .92em; }
            th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: right; } th { background: #f3f3f3; }
            td:first-child, th:first-child { text-align: left; }
            img { max-width: 100%; border: 1px solid #eee; margin: .4em 0; }
            figure { margin: 1em 0; } figcaption { font-size: .9em; color: #555; }
            .boards img { max-width: 48%; }
            code { background: #f5f5f5; padding: 0 .2em; }
            </style>
            </head>
            <body>
            \(body)
            </body>
            </html>

            """
    }

    /// Every `src` and `href` target of `html` (what must exist beside the page).
    public static func references(in html: String) -> [String] {
        var result = [String]()
        for attribute in ["src=\"", "href=\""] {
            var rest = html[...]
            while let start = rest.range(of: attribute) {
                rest = rest[start.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { break }
                result.append(String(rest[..<end]))
                rest = rest[end...]
            }
        }
        return result
    }

    // MARK: sections

    private func runDescription() -> String {
        guard let data = FileManager.default.contents(atPath: directory + "/run.json"),
              let run = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return "<p>No <code>run.json</code> here: the settings of this run are unknown.</p>\n"
        }
        let rows = run.keys.sorted().map { "<tr><td>\(escape($0))</td><td>\(escape(String(describing: run[$0]!)))</td></tr>" }
        return "<p>What was run:</p>\n<table>\n" + rows.joined(separator: "\n") + "\n</table>\n"
    }

    private func analyseSection() -> String {
        guard exists("positions.csv") else { return "" }
        return "<h2>The collection</h2>\n<p>Every concept of the catalogue on every position: \(link("positions.csv")).</p>\n"
    }

    private func probeSection() throws -> String {
        guard exists("probe/grid.csv") else { return "" }
        let readings = ConceptEmergence.read(try GridRow.read(from: directory + "/probe/grid.csv"))
        var html = "<h2>What, when, where: probes across training and layers</h2>\n"
        html += "<p>A linear probe per concept, checkpoint and layer, scored on held-out games (\(link("probe/grid.csv", "grid.csv"))). "
            + "Baselines: the same probe on the input planes, on the untrained network (step 0), and on shuffled labels (control).</p>\n"
        if exists("probe/overview.png") { html += figure("probe/overview.png", "All concepts at a glance: score by training step (x, log scale) and layer.") }
        html += "<table>\n<tr><th>concept</th><th>metric</th><th>best layer</th><th>score</th><th>input</th><th>random net</th><th>control</th><th>above baselines from step</th></tr>\n"
        for reading in readings {
            html += "<tr><td>\(escape(reading.concept))</td><td>\(reading.metric)</td><td>\(escape(reading.layer))</td>"
                + String(format: "<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td>", reading.score, reading.inputBaseline, reading.randomBaseline, reading.control)
                + "<td>\(reading.emergedAt.map(String.init) ?? "never")</td></tr>\n"
        }
        html += "</table>\n"
        for reading in readings {
            html += "<h3>\(escape(reading.concept))</h3>\n<p>\(escape(sentence(reading)))</p>\n"
            for (suffix, caption) in [("heatmap", "score by training step and layer"), ("curves", "score against training step per layer, baselines dashed")]
            where exists("probe/\(reading.concept)-\(suffix).png") {
                html += figure("probe/\(reading.concept)-\(suffix).png", "\(reading.concept): \(caption)")
            }
        }
        return html
    }

    /// One sentence reading a concept's row of the grid.
    private func sentence(_ reading: ConceptEmergence) -> String {
        let best = String(format: "%@ %.3f at %@ (step %d)", reading.metric as NSString, reading.score, reading.layer as NSString, reading.step)
        let baselines = String(format: "input planes %.3f, untrained network %.3f", reading.inputBaseline, reading.randomBaseline)
        if let step = reading.emergedAt {
            return "Best \(best), above both baselines (\(baselines)) from step \(step) on: the network learned to represent it."
        }
        return "Best \(best), never clearly above the baselines (\(baselines)): the probe finds nothing the input or a random network does not already give."
    }

    private func maximiseSection() throws -> String {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/maximise")) ?? []
        let concepts = folders.sorted().filter { exists("maximise/\($0)/summary.csv") }
        guard !concepts.isEmpty else { return "" }
        var html = "<h2>Concept-maximised positions</h2>\n<p>Held-out positions edited, legally, until the probe reads the concept "
            + "(gradient-ranked edits checked exactly; random legal edits as the floor). <em>concept_agrees</em> is how often the rules' "
            + "own concept holds on the edited board: where it is low, the network's notion and the rules' notion differ.</p>\n"
        for concept in concepts {
            let table = try CSVTable(path: directory + "/maximise/\(concept)/summary.csv")
            html += "<h3>\(escape(concept))</h3>\n" + htmlTable(table)
            html += "<p>\(link("maximise/\(concept)/results.jsonl", "results.jsonl")) (every search: FENs, edits, probe and concept before and after).</p>\n"
            let boards = (0..<4).map { String(format: "maximise/%@/boards/%03d.svg", concept as NSString, $0) }.filter(exists)
            if !boards.isEmpty {
                html += "<div class=\"boards\">" + boards.map { "<img src=\"\($0)\" alt=\"before and after boards for \(concept)\">" }.joined() + "</div>\n"
            }
        }
        return html
    }

    private func tabularSection() throws -> String {
        guard exists("tabular/feature_changes.png") else { return "" }
        return "<h2>Tabular: the same method on a table</h2>\n<p>An MLP regressor, a probe for a formula concept at its last hidden layer, "
            + "and held-out rows perturbed until the probe reads the concept's 95th percentile. Features that move besides the ones in the "
            + "formula show what the network entangles with the concept.</p>\n"
            + figure("tabular/feature_changes.png", "Mean change of each feature, in standard deviations")
            + "<p>\(link("tabular/feature_changes.csv", "feature_changes.csv")), \(link("tabular/rows.csv", "rows.csv")) (rows before and after).</p>\n"
    }

    private func imageSection() throws -> String {
        guard exists("images/grid.png") else { return "" }
        return "<h2>Images: searching an autoencoder's latent space</h2>\n<p>Held-out images outside the concept, their reconstruction, and the "
            + "image decoded from the perturbed latent code, with the classifier's class and the probe's P.</p>\n"
            + figure("images/grid.png", "original, reconstruction, maximised") + "<p>\(link("images/examples.csv", "examples.csv"))</p>\n"
    }

    private func tcavSection() throws -> String {
        guard exists("tcav/tcav.csv") else { return "" }
        return "<h2>TCAV: does the output rise along a concept?</h2>\n<p>The share of held-out positions where the value head's "
            + "output rises along each concept's activation vector, beside random vectors; a two-sided Welch t-test over 20 random "
            + "counter-sets (Bonferroni over the concepts) marks the significant ones.</p>\n"
            + htmlTable(try CSVTable(path: directory + "/tcav/tcav.csv"))
            + (exists("tcav/tcav.png") ? figure("tcav/tcav.png", "TCAV scores with their spread over random counter-sets; * significant") : "")
    }

    private func relevanceSection() -> String {
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/relevance")) ?? []).sorted()
            .filter { exists("relevance/\($0)/relevance.png") }
        guard !folders.isEmpty else { return "" }
        var html = "<h2>Relevance maps: which squares carry a concept</h2>\n<p>Layer-wise relevance propagation from a probe's logit "
            + "(or the value head's win-minus-loss logit) back to the input planes, summed per square: red squares raise the output, "
            + "blue ones lower it. Below each map, the relevance flowing through each of the layer's most relevant channels alone "
            + "(Concept Relevance Propagation).</p>\n"
        for folder in folders {
            html += "<h3>\(escape(folder))</h3>\n" + figure("relevance/\(folder)/relevance.png", "relevance per square")
            if exists("relevance/\(folder)/channels.png") { html += figure("relevance/\(folder)/channels.png", "the most relevant channels, one at a time") }
            html += "<p>\(link("relevance/\(folder)/squares.csv", "squares.csv")), \(link("relevance/\(folder)/planes.csv", "planes.csv")), "
                + "\(link("relevance/\(folder)/channels.csv", "channels.csv")), \(link("relevance/\(folder)/relevance.json", "relevance.json"))</p>\n"
        }
        return html
    }

    private func attributionSection() throws -> String {
        guard exists("attribute/attribution.csv") else { return "" }
        var html = "<h2>Which training positions built a concept</h2>\n<p>TRAK scores: the effect of each sampled training position on "
            + "the concept probe's margin over held-out positions, from randomly projected gradients averaged over checkpoints. "
            + "Positive: training on the position raised the margin.</p>\n"
        if let data = FileManager.default.contents(atPath: directory + "/attribute/attribution.json"),
           let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            html += "<table>\n" + summary.keys.sorted().map { "<tr><td>\(escape($0))</td><td>\(escape(String(describing: summary[$0]!)))</td></tr>" }
                .joined(separator: "\n") + "\n</table>\n"
        }
        for (name, caption) in [("top", "training positions with the highest scores (the move played highlighted)"), ("bottom", "the lowest scores")]
        where exists("attribute/\(name).png") {
            html += figure("attribute/\(name).png", caption)
        }
        if exists("attribute/retrain.csv") {
            html += "<p>Removal check: fresh networks trained on the sample, whole and without some of its positions.</p>\n"
                + htmlTable(try CSVTable(path: directory + "/attribute/retrain.csv"))
        }
        return html + "<p>\(link("attribute/attribution.csv", "attribution.csv")) (every sampled position, ranked)</p>\n"
    }

    // MARK: pieces

    private func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: directory + "/" + relative) }

    private func link(_ relative: String, _ text: String? = nil) -> String { "<a href=\"\(relative)\">\(escape(text ?? relative))</a>" }

    private func figure(_ relative: String, _ caption: String) -> String {
        "<figure><img src=\"\(relative)\" alt=\"\(escape(caption))\"><figcaption>\(escape(caption))</figcaption></figure>\n"
    }

    private func htmlTable(_ table: CSVTable) -> String {
        "<table>\n<tr>" + table.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            + table.rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }.joined() + "</table>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
