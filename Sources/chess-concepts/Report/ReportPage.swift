import DataFiles
import Foundation

/// The one page a person reads after a run: `index.html` in the run's directory, rendered
/// from the runs' manifests (`run.json`) alone — their titles, summaries, findings, tables,
/// figures and files — so it knows no run's file names. Pictures are linked by relative
/// paths, so the folder can be moved, mailed or opened offline.
struct ReportPage {
    /// The run directory: one holding a `run.json` whose parts are the runs inside it (a
    /// demo), or any folder with runs below it.
    let directory: String

    /// Writes `index.html` atomically and returns its path.
    @discardableResult
    func write() throws -> String {
        let path = directory + "/index.html"
        try AtomicFileWriter.write(Data(try html().utf8), to: path)
        return path
    }

    /// The page.
    func html() throws -> String {
        var body = ""
        if FileManager.default.fileExists(atPath: directory + "/" + RunManifest.fileName) {
            let root = try RunManifest.read(from: directory)
            body = "<h1>\(escape(root.title))</h1>\n" + contents(of: root, at: "")
                + root.parts.filter(hasManifest).map(section).joined()
        } else {
            body = "<h1>ChessConcepts report</h1>\n" + runDirectories().map(section).joined()
        }
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
            figure { margin: 1em 0; display: inline-block; max-width: 100%; vertical-align: top; } figcaption { font-size: .9em; color: #555; }
            code { background: #f5f5f5; padding: 0 .2em; } details { margin: .5em 0 1.5em; }
            </style>
            </head>
            <body>
            \(body)
            </body>
            </html>

            """
    }

    /// Every `src` and `href` target of `html` (what must exist beside the page).
    static func references(in html: String) -> [String] {
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

    /// The section of the run in `relative` (its manifest's contents under its title); an
    /// unreadable manifest is shown as such, so the page still covers every other run.
    private func section(at relative: String) -> String {
        do {
            let manifest = try RunManifest.read(from: directory + "/" + relative)
            return "<h2>\(escape(manifest.title))</h2>\n" + contents(of: manifest, at: relative)
        } catch {
            return "<h2>\(escape(relative))</h2>\n<p>This run's manifest could not be read: \(escape(error.description))</p>\n"
        }
    }

    /// A manifest's summary, findings, tables, figures, files and settings; paths relative to the page.
    private func contents(of manifest: RunManifest, at relative: String) -> String {
        let prefix = relative.isEmpty ? "" : relative + "/"
        var html = "<p>\(escape(manifest.summary))</p>\n"
        if !manifest.findings.isEmpty {
            html += "<ul>\n" + manifest.findings.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        for table in manifest.tables where exists(prefix + table.path) {
            html += "<p>\(escape(table.caption)) (\(link(prefix + table.path, table.path))):</p>\n"
            if let csv = try? CSVTable(path: directory + "/" + prefix + table.path) { html += htmlTable(csv) }
        }
        for figure in manifest.figures {
            if let shown = self.figure(prefix + figure.path, figure.caption) { html += shown }
        }
        let files = manifest.files.filter { exists(prefix + $0.path) }
        if !files.isEmpty {
            html += "<p>Files: " + files.map { "\(link(prefix + $0.path, $0.path)) (\(escape($0.caption)))" }.joined(separator: ", ") + ".</p>\n"
        }
        if case .object(let settings) = manifest.settings, !settings.isEmpty {
            html += "<details><summary>Settings of <code>\(escape(manifest.command))</code> (chess-concepts \(escape(manifest.versions["chess-concepts"] ?? "?")))</summary>\n<table>\n"
                + settings.keys.sorted().map { "<tr><td>\(escape($0))</td><td>\(escape(settings[$0]!.text))</td></tr>\n" }.joined()
                + "</table></details>\n"
        }
        return html
    }

    /// Directories below `directory` holding a manifest, in path order.
    private func runDirectories() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var found = [String]()
        while let path = enumerator?.nextObject() as? String {
            if (path as NSString).lastPathComponent == RunManifest.fileName { found.append((path as NSString).deletingLastPathComponent) }
        }
        return found.sorted()
    }

    private func hasManifest(_ relative: String) -> Bool { exists(relative + "/" + RunManifest.fileName) }

    // MARK: pieces

    private func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: directory + "/" + relative) }

    private func link(_ relative: String, _ text: String? = nil) -> String { "<a href=\"\(relative)\">\(escape(text ?? relative))</a>" }

    /// A figure, shown from its SVG where the run wrote one (sharp at any zoom), else from
    /// the file named, with links to its PNG and PDF siblings; `nil` when none of them exists.
    private func figure(_ relative: String, _ caption: String) -> String? {
        let stem = (relative as NSString).deletingPathExtension
        let siblings = ["svg", "png", "pdf"].map { stem + "." + $0 }.filter(exists)
        guard let shown = siblings.first(where: { !$0.hasSuffix(".pdf") }) ?? (exists(relative) ? relative : nil) else { return nil }
        let links = siblings.filter { $0 != shown }.map { link($0, ($0 as NSString).pathExtension.uppercased()) }
        return "<figure><img src=\"\(shown)\" alt=\"\(escape(caption))\"><figcaption>\(escape(caption))"
            + (links.isEmpty ? "" : " (" + links.joined(separator: ", ") + ")") + "</figcaption></figure>\n"
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
