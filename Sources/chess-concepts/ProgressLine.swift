import DataFiles
import Foundation

/// A single self-overwriting status line on standard error, shown only on a terminal
/// and redrawn at most a few times a second.
final class ProgressLine {
    private let unit: String
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private let enabled = isatty(2) != 0
    private var visible = false

    init(unit: String) { self.unit = unit }

    var elapsed: Double { (ContinuousClock.now - start).seconds }
    var elapsedText: String { String(format: "%.1f s", elapsed) }

    func update(count: Int, detail: String) {
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(250) else { return }
        lastDraw = .now
        let rate = Double(count) / max(elapsed, 1e-9)
        FileHandle.standardError.write(Data("\r\u{1B}[K\(count) \(unit) (\(Int(rate)) /s), \(detail)".utf8))
        visible = true
    }

    /// Shows a status text with the elapsed time (for work without a count).
    func status(_ text: String) {
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(250) else { return }
        lastDraw = .now
        FileHandle.standardError.write(Data("\r\u{1B}[K\(elapsedText): \(text)".utf8))
        visible = true
    }

    func clear() {
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }
}
