#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Chess
import Foundation
import Neural

/// Training examples kept 36 bytes each (a `PackedPosition`, the move, the result) in a
/// memory-mapped temporary file, so a corpus of millions of positions costs the process
/// almost no memory of its own: the pages are the file's, and the system may drop and
/// reread them. The file is unlinked as soon as it is open, so nothing is left behind,
/// not even after a crash.
///
/// ```swift
/// let writer = try PackedExamples.Writer()
/// try writer.append(TrainingExample(position: .start, move: Move(from: Square("e2")!, to: Square("e4")!), outcome: 1))
/// let examples = try writer.finish()
/// print(examples.count, examples[0].position.fen)
/// ```
package final class PackedExamples: RandomAccessCollection, @unchecked Sendable {
    /// Bytes per example: four position words, the move, the result and one spare byte.
    static let recordSize = 36

    package let count: Int
    // Read-only after init, which is what makes sharing across threads safe.
    private let base: UnsafeRawPointer?
    private let mappedLength: Int

    package var startIndex: Int { 0 }
    package var endIndex: Int { count }

    /// The examples of `examples`, packed (e.g. another corpus's with some left out).
    package convenience init(_ examples: some Sequence<TrainingExample>) throws {
        let writer = try Writer()
        for example in examples { try writer.append(example) }
        try self.init(writer: writer)
    }

    fileprivate init(writer: Writer) throws {
        try writer.flush()
        count = writer.count
        mappedLength = count * Self.recordSize
        guard mappedLength > 0 else {
            base = nil
            return
        }
        guard let address = mmap(nil, mappedLength, PROT_READ, MAP_PRIVATE, writer.descriptor, 0), address != MAP_FAILED else {
            throw StateError(reason: "cannot map \(mappedLength) bytes of packed training examples: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }
    }

    package subscript(index: Int) -> TrainingExample {
        precondition(index >= 0 && index < count, "example \(index) outside 0..<\(count)")
        let record = base! + index * Self.recordSize
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let words: InlineArray<4, UInt64> = [word(0), word(8), word(16), word(24)]
        // The file is this process's own, written from valid positions: a failure here is a bug, not bad input.
        let position = try! PackedPosition(words: words).position()
        return TrainingExample(position: position, move: Move(rawValue: UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 32, as: UInt16.self))),
                               outcome: Int(record.load(fromByteOffset: 34, as: UInt8.self)))
    }

    /// Appends examples to an unlinked temporary file; `finish()` maps it.
    package final class Writer {
        fileprivate let descriptor: Int32
        fileprivate private(set) var count = 0
        private var buffer = [UInt8]()

        package init() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("chess-concepts-examples-\(UUID().uuidString)").path
            descriptor = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else {
                throw StateError(reason: "cannot create \(path) for packed training examples: \(String(cString: strerror(errno)))")
            }
            unlink(path)
            buffer.reserveCapacity(1 << 20)
        }

        deinit { close(descriptor) }

        /// Adds one example; positions with more than 32 pieces (which no game reaches) are refused.
        package func append(_ example: TrainingExample) throws {
            guard let packed = PackedPosition(example.position) else {
                throw StateError(reason: "\(example.position.fen) cannot be packed (more than 32 pieces or a clock past 65,535)")
            }
            for index in 0..<4 { withUnsafeBytes(of: packed.words[index].littleEndian) { buffer.append(contentsOf: $0) } }
            withUnsafeBytes(of: example.move.rawValue.littleEndian) { buffer.append(contentsOf: $0) }
            buffer.append(UInt8(example.outcome))
            buffer.append(0)
            count += 1
            if buffer.count >= 1 << 20 { try flush() }
        }

        fileprivate func flush() throws {
            var written = 0
            while written < buffer.count {
                let result = buffer[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard result > 0 else { throw StateError(reason: "cannot write packed training examples: \(String(cString: strerror(errno)))") }
                written += result
            }
            buffer.removeAll(keepingCapacity: true)
        }

        /// The examples written so far, mapped. The mapping outlives the writer.
        package func finish() throws -> PackedExamples {
            try PackedExamples(writer: self)
        }
    }
}
