import DataFiles
import Foundation
import Neural

extension LinearProbe {
    /// Writes the probe as safetensors (`weights` [features × outputs], `bias`, `mean`,
    /// `deviation`; the kind and `metadata` in the header) and the same description as
    /// a JSON file beside it (`.json` in place of `.safetensors`), both atomically.
    public func write(to path: String, metadata: [String: String] = [:]) throws {
        let description = metadata.merging(storageMetadata) { _, own in own }
        try Safetensors.write([
            "weights": Tensor(shape: [features, outputs], weights),
            "bias": Tensor(shape: [outputs], bias),
            "mean": Tensor(shape: [features], mean),
            "deviation": Tensor(shape: [features], deviation),
        ], metadata: description, to: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFileWriter.write(try encoder.encode(description), to: Self.descriptionPath(for: path))
    }

    /// Reads a probe written by `write(to:metadata:)`, with its metadata.
    public static func read(from path: String) throws -> (probe: LinearProbe, metadata: [String: String]) {
        let (tensors, metadata) = try Safetensors.read(from: path)
        func fail(_ reason: String) -> SafetensorsError { SafetensorsError(path: path, reason: reason) }
        let kind: Kind
        switch metadata["kind"] {
        case "logistic": kind = .logistic
        case "linear": kind = .linear
        case "multinomial":
            guard let classes = metadata["classes"].flatMap(Int.init), classes > 1 else { throw fail("a multinomial probe needs `classes` > 1") }
            kind = .multinomial(classes: classes)
        default: throw fail("no probe kind (logistic, linear or multinomial) in the metadata")
        }
        guard let weights = tensors["weights"], let bias = tensors["bias"], let mean = tensors["mean"], let deviation = tensors["deviation"] else {
            throw fail("a probe needs the tensors weights, bias, mean and deviation")
        }
        guard weights.shape == [mean.count, kind.outputs], bias.count == kind.outputs, deviation.count == mean.count else {
            throw fail("tensor shapes disagree: weights \(weights.shape), bias \(bias.shape), mean \(mean.shape), deviation \(deviation.shape)")
        }
        let probe = LinearProbe(kind: kind, weights: weights.storage, bias: bias.storage, mean: mean.storage, deviation: deviation.storage)
        return (probe, metadata)
    }

    /// The JSON description beside a probe file.
    public static func descriptionPath(for path: String) -> String {
        (path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path) + ".json"
    }

    private var storageMetadata: [String: String] {
        var result = ["features": String(features)]
        switch kind {
        case .logistic: result["kind"] = "logistic"
        case .linear: result["kind"] = "linear"
        case .multinomial(let classes):
            result["kind"] = "multinomial"
            result["classes"] = String(classes)
        }
        return result
    }
}
