import DataFiles
import Foundation
import Neural
import Plotting
import Interpretability
import Testing
@testable import Images

struct ImageSetTests {
    static func idx(type: UInt8 = 0x08, dimensions: [Int], data: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for dimension in dimensions { bytes += [24, 16, 8, 0].map { UInt8((dimension >> $0) & 0xFF) } }
        return Data(bytes + data)
    }

    static func write(_ data: Data, _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())").path
        try AtomicFileWriter.write(data, to: path)
        return path
    }

    @Test func idxFilesReadAndBrokenHeadersAreRejected() throws {
        let images = try Self.write(Self.idx(dimensions: [2, 2, 2], data: [0, 255, 51, 102, 1, 2, 3, 4]), "images")
        let labels = try Self.write(Self.idx(dimensions: [2], data: [7, 3]), "labels")
        defer { for path in [images, labels] { try? FileManager.default.removeItem(atPath: path) } }
        let set = try ImageSet(idxImages: images, idxLabels: labels)
        #expect(set.labels == [7, 3])
        #expect(set.pixels.shape == [2, 2, 2, 1])
        #expect(set.pixels.storage[1] == 1 && set.pixels.storage[2] == 0.2)
        let truncated = try Self.write(Self.idx(dimensions: [2, 2, 2], data: [0, 1, 2]), "truncated")
        let badMagic = try Self.write(Data([1, 0, 8, 1, 0, 0, 0, 1, 5]), "magic")
        let floats = try Self.write(Self.idx(type: 0x0D, dimensions: [1], data: [0, 0, 0, 0]), "floats")
        defer { for path in [truncated, badMagic, floats] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(throws: DataFileError(path: truncated, reason: "the header promises 8 bytes of data (2 × 2 × 2), the file holds 3")) {
            try ImageSet(idxImages: truncated, idxLabels: labels)
        }
        #expect(throws: DataFileError(path: badMagic, reason: "not an IDX file (bad magic number)")) { try ImageSet(idxImages: images, idxLabels: badMagic) }
        #expect(throws: DataFileError.self) { try ImageSet(idxImages: floats, idxLabels: labels) }
    }

    @Test func idxDimensionsWhoseProductOverflowsAreRefused() {
        // Found by scripts/fuzz (fuzz-idx): three dimensions near 2³² multiplied past Int and trapped.
        let header: [UInt8] = [0, 0, 8, 3, 0, 0x18, 0, 2, 0x15, 0, 0, 0, 8, 3, 0, 0, 0, 2, 0x15, 0, 0, 2, 0, 0x68]
        #expect { try IDXFile(header, path: "fuzz.idx") } throws: { "\($0)".contains("multiply past any file size") }
    }

    @Test func pixelRowsReadFromCSV() throws {
        let path = try Self.write(Data("label,p1,p2,p3,p4\n3,0,255,0,51\n1,1,2,3,4\n".utf8), "pixels.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let set = try ImageSet(csv: path)
        #expect(set.labels == [3, 1] && set.height == 2)
        #expect(set.pixels.storage[3] == 0.2)
        let bad = try Self.write(Data("label,p1,p2,p3,p4\n3,0,256,0,51\n".utf8), "bad.csv")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        #expect(throws: DataFileError(path: bad, reason: "line 2, column p2: 256.0 is outside 0–255")) { try ImageSet(csv: bad) }
    }

    /// 8×8 images of two shapes: class 0 a bright left half, class 1 a bright right half.
    static func halves(count: Int) -> ImageSet {
        var random = SplitMix64(seed: 3)
        var pixels = [Float](), labels = [Int]()
        for index in 0..<count {
            let label = index % 2
            labels.append(label)
            for _ in 0..<8 { for x in 0..<8 { pixels.append(((x < 4) == (label == 0) ? 0.8 : 0.1) + Float(random.nextUnit()) * 0.1) } }
        }
        return ImageSet(pixels: Tensor(shape: [count, 8, 8, 1], pixels), labels: labels)
    }

    @Test func theLatentSearchRaisesTheProbeAndASeedRepeatsIt() throws {
        var settings = ImageExperiment.Settings(conceptClasses: [1])
        settings.latentDimension = 8
        settings.trainingImages = 160
        settings.epochs = 4
        settings.examples = 4
        settings.search = PerturbationSearch(l1: 0, l2: 0.001, learningRate: 0.1, steps: 300)
        settings.sweep = [0, 0.5]
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("image-experiment-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let summary = try ImageExperiment(images: Self.halves(count: 200), settings: settings).run(out: out)
        #expect(summary.probeAccuracy > 0.9)
        let before = summary.examples.map(\.probeBefore).reduce(0, +), after = summary.examples.map(\.probeAfter).reduce(0, +)
        #expect(after > before + 1)
        // The classifier judges: most searched images now fall in the concept's class (while the probe, at about 0.87, stays
        // below its threshold of the held-out concept images, all near 1), and a fooled probe is a reached one.
        #expect(summary.search.classifierInConcept > 0.5, "\(summary.search)")
        #expect(summary.search.fooled <= summary.search.probeReached && summary.searched >= summary.examples.count)
        // A strong L1 penalty keeps the latent change smaller.
        #expect(summary.sweep.count == 2 && summary.sweep[1].meanLatentChange < summary.sweep[0].meanLatentChange)
        settings.sweep = nil
        let again = try ImageExperiment(images: Self.halves(count: 200), settings: settings).run(out: out)
        #expect(again.examples.map(\.probeAfter) == summary.examples.map(\.probeAfter))
        #expect(try RasterImage.decodePNG(Data(contentsOf: URL(fileURLWithPath: out + "/grid.png"))).width > 0)
    }
}
