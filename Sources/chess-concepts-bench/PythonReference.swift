import ArgumentParser
import Foundation

/// Runs a reference measurement written in Python (python-chess, PyTorch, scikit-learn)
/// and returns the numbers it prints on its one line of output.
enum PythonReference {
    static func measure(python: String, script: String, arguments: [String], expecting count: Int, install: String) throws -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let numbers = output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard process.terminationStatus == 0, numbers.count == count else {
            throw ValidationError("the Python reference run failed (\(install)): \(output)")
        }
        return numbers
    }

    /// Runs a reference script that writes its results to files; fails when it exits non-zero.
    static func run(python: String, script: String, arguments: [String], install: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("the Python reference run failed (\(install))") }
    }
}
