import DataFiles
import Foundation

/// Progress on standard error. On a terminal: one self-overwriting status line, redrawn
/// at most a few times a second. Elsewhere (a log file, CI): a plain line every half
/// minute, so a job in the background still shows how far it got. Safe to update from
/// several threads.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let unit: String
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now
    private let onTerminal = isatty(2) != 0
    private var visible = false

    init(unit: String) { self.unit = unit }

    var elapsed: Double { (ContinuousClock.now - start).seconds }
    var elapsedText: String { String(format: "%.1f s", elapsed) }

    func update(count: Int, detail: String) {
        let rate = Double(count) / max(elapsed, 1e-9)
        draw("\(count) \(unit) (\(rate >= 10 ? String(Int(rate)) : String(format: "%.2f", rate)) /s), \(detail)")
    }

    /// Shows a status text with the elapsed time (for work without a count).
    func status(_ text: String) {
        draw("\(elapsedText): \(text)")
    }

    private func draw(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard ContinuousClock.now - lastDraw > (onTerminal ? .milliseconds(250) : .seconds(30)) else { return }
        lastDraw = .now
        if onTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
            visible = true
        } else {
            FileHandle.standardError.write(Data("\(text)\n".utf8))
        }
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }
}
