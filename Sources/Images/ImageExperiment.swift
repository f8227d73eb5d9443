import DataFiles
import Foundation
import Neural
import Plotting
import Interpretability

/// Concept backpropagation on images (arXiv 2307.12601, §MNIST): a convolutional
/// autoencoder, a classifier, a logistic probe for a concept (a set of classes) at the
/// classifier's hidden layer, and a search in the autoencoder's latent space — perturb
/// the code so that the decoded image drives the probe to its target, with an L1/L2
/// penalty on the perturbation and a term keeping the image near the original's
/// reconstruction. The search moves along the data manifold the decoder learned, not
/// through adversarial pixel noise.
package struct ImageExperiment {
    package struct Settings: Codable, Sendable {
        /// Classes that make up the concept.
        package var conceptClasses: Set<Int>
        package var latentDimension = 64
        /// The classifier layer the probe reads (conv1_relu, conv2_relu, conv3_relu or fc_relu).
        package var layer = "fc_relu"
        /// Images used for training (the rest of the set is held out).
        package var trainingImages = 12_000
        package var epochs = 3
        /// Held-out images outside the concept that are searched (the first `examples` are drawn).
        package var searches = 200
        /// Searched images drawn in the grid.
        package var examples = 8
        /// The probe prediction that counts as reached; `nil` for the one 90% of held-out concept images pass.
        package var probeThreshold: Double?
        /// λ₁ values to sweep, each a full search (`sweep.csv`, `sweep.png`).
        package var sweep: [Float]?
        /// Weight of ‖D(z + δ) − D(z)‖² (mean over pixels) in the search objective.
        package var reconstructionWeight: Float = 1
        package var search = PerturbationSearch(l1: 0.001, l2: 0.001, learningRate: 0.05, steps: 200)
        /// Class names for the pictures (indices when empty).
        package var classNames: [String] = []
        package var seed: UInt64 = 1

        package init(conceptClasses: Set<Int>) { self.conceptClasses = conceptClasses }

        private enum CodingKeys: String, CodingKey {
            case conceptClasses, latentDimension, layer, trainingImages, epochs, searches, examples, probeThreshold, sweep, reconstructionWeight, search,
                 classNames, seed
        }

        /// As synthesised, but with the concept's classes in order, so that equal settings write equal files.
        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(conceptClasses.sorted(), forKey: .conceptClasses)
            try container.encode(latentDimension, forKey: .latentDimension)
            try container.encode(layer, forKey: .layer)
            try container.encode(trainingImages, forKey: .trainingImages)
            try container.encode(epochs, forKey: .epochs)
            try container.encode(searches, forKey: .searches)
            try container.encode(examples, forKey: .examples)
            try container.encode(probeThreshold, forKey: .probeThreshold)
            try container.encode(sweep, forKey: .sweep)
            try container.encode(reconstructionWeight, forKey: .reconstructionWeight)
            try container.encode(search, forKey: .search)
            try container.encode(classNames, forKey: .classNames)
            try container.encode(seed, forKey: .seed)
        }
    }

    /// One searched image.
    package struct Example: Codable, Sendable {
        package let label: Int
        package let predictedBefore: Int, predictedAfter: Int
        package let probeBefore: Double, probeAfter: Double
        /// Mean absolute change of the latent code.
        package let latentChange: Double
    }

    /// How one search (one λ₁) did, judged by the classifier's class, not the probe.
    package struct SearchSummary: Codable, Sendable {
        package let l1: Float
        /// Share of searched images the classifier puts in a concept class afterwards.
        package let classifierInConcept: Double
        /// Share of searched images whose probe passed the threshold.
        package let probeReached: Double
        /// Share where the probe passed the threshold but the classifier's class is outside the concept.
        package let fooled: Double
        package let probeGain: Double
        /// Mean absolute change of the latent code.
        package let meanLatentChange: Double
    }

    package struct Summary: Codable, Sendable {
        package let reconstructionError: Double
        package let classifierAccuracy: Double
        package let probeAccuracy: Double
        package let probeThreshold: Double
        package let searched: Int
        /// The drawn images.
        package let examples: [Example]
        package let search: SearchSummary
        package let sweep: [SearchSummary]
    }

    package let settings: Settings
    private let images: ImageSet

    package init(images: ImageSet, settings: Settings) throws(DataFileError) {
        guard ["conv1_relu", "conv2_relu", "conv3_relu", "fc_relu"].contains(settings.layer) else {
            throw DataFileError(path: "settings", reason: "no classifier layer \(settings.layer) (conv1_relu, conv2_relu, conv3_relu or fc_relu)")
        }
        guard images.height % 4 == 0, images.width % 4 == 0 else {
            throw DataFileError(path: "images", reason: "\(images.height)×\(images.width) images; the autoencoder needs sides divisible by 4")
        }
        guard images.count >= 100 else { throw DataFileError(path: "images", reason: "\(images.count) images; at least 100 are needed") }
        self.images = images
        self.settings = settings
    }

    /// Trains, probes, searches, and writes `grid.png` and `examples.csv` to `out`.
    package func run(out: String, formats: FigureFormats = .all, progress: (String) -> Void = { _ in }) throws -> Summary {
        try OutputDirectory.claim(out, marker: "examples.csv")
        var random = SplitMix64(seed: SplitMix64.mix(settings.seed, "image split"))
        let order = Array(0..<images.count).shuffled(using: &random)
        let trainCount = min(settings.trainingImages, images.count * 4 / 5)
        let train = images.subset(Array(order[..<trainCount])), test = images.subset(Array(order[trainCount...]))
        let (h, w) = (images.height, images.width)
        var weights = SplitMix64(seed: SplitMix64.mix(settings.seed, "image weights"))
        let encoder = Sequential("encoder", [
            Conv2D("enc1", inChannels: 1, outChannels: 16, kernel: 3, stride: 2, random: &weights), Activation("enc1_relu", .relu),
            Conv2D("enc2", inChannels: 16, outChannels: 32, kernel: 3, stride: 2, random: &weights), Activation("enc2_relu", .relu),
            Reshape("enc_flat", to: [h / 4 * w / 4 * 32]),
            Dense("code", inputs: h / 4 * w / 4 * 32, outputs: settings.latentDimension, random: &weights),
        ])
        let decoder = Sequential("decoder", [
            Dense("dec_fc", inputs: settings.latentDimension, outputs: h / 4 * w / 4 * 32, random: &weights), Activation("dec_fc_relu", .relu),
            Reshape("dec_grid", to: [h / 4, w / 4, 32]),
            Upsample("dec_up1", factor: 2), Conv2D("dec1", inChannels: 32, outChannels: 16, kernel: 3, random: &weights), Activation("dec1_relu", .relu),
            Upsample("dec_up2", factor: 2), Conv2D("dec2", inChannels: 16, outChannels: 1, kernel: 3, random: &weights),
        ])
        let autoencoder = Sequential("autoencoder", [encoder, decoder])
        let classifier = Sequential("classifier", [
            Conv2D("conv1", inChannels: 1, outChannels: 16, kernel: 3, random: &weights), Activation("conv1_relu", .relu),
            Conv2D("conv2", inChannels: 16, outChannels: 32, kernel: 3, stride: 2, random: &weights), Activation("conv2_relu", .relu),
            Conv2D("conv3", inChannels: 32, outChannels: 32, kernel: 3, stride: 2, random: &weights), Activation("conv3_relu", .relu),
            Reshape("flat", to: [h / 4 * w / 4 * 32]),
            Dense("fc", inputs: h / 4 * w / 4 * 32, outputs: 64, random: &weights), Activation("fc_relu", .relu),
            Dense("logits", inputs: 64, outputs: (images.labels.max() ?? 0) + 1, random: &weights),
        ])
        let training = MinibatchTraining(epochs: settings.epochs, batchSize: 64, learningRate: 2e-3, seed: settings.seed)
        training.run(autoencoder, inputs: train.pixels, loss: { logits, rows in
            Loss.binaryCrossEntropyWithLogits(logits: logits, targets: train.pixels.gathering(rows: rows))
        }, progress: { progress(String(format: "autoencoder epoch %d/%d, loss %.4f", $0, settings.epochs, $1)) })
        training.run(classifier, inputs: train.pixels, loss: { logits, rows in
            Loss.softmaxCrossEntropy(logits: logits, targets: rows.map { train.labels[$0] })
        }, progress: { progress(String(format: "classifier epoch %d/%d, loss %.4f", $0, settings.epochs, $1)) })

        let heldOut = test.subset(Array(0..<min(test.count, 2_000)))
        let reconstruction = sigmoid(autoencoder.forward(heldOut.pixels, mode: .inference))
        let reconstructionError = zip(reconstruction.storage, heldOut.pixels.storage).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) }
            / Double(heldOut.pixels.count)
        let classifierAccuracy = Metrics.accuracy(labels: heldOut.labels.map(Double.init), predictions: classes(classifier, heldOut.pixels).map(Double.init))

        // The probe: is the image in one of the concept's classes, read at the classifier's hidden layer.
        let layer = settings.layer
        progress("probing \(layer)")
        let inConcept = { (label: Int) in settings.conceptClasses.contains(label) ? 1.0 : 0.0 }
        let probe = ProbeFitter(l2: 1e-3).fit(classifier.forward(train.pixels, mode: .inference, through: layer), labels: train.labels.map(inConcept),
                                              kind: .logistic, balanced: true)
        let probeAccuracy = Metrics.balancedAccuracy(labels: heldOut.labels.map(inConcept),
                                                     predictions: probe.predict(classifier.forward(heldOut.pixels, mode: .inference, through: layer)).map { $0 >= 0.5 ? 1 : 0 })

        // A confident reading: the prediction 90% of held-out images in the concept pass.
        let inside = heldOut.labels.indices.filter { settings.conceptClasses.contains(heldOut.labels[$0]) }
        let insidePredictions = probe.predict(classifier.forward(heldOut.subset(inside).pixels, mode: .inference, through: layer)).sorted()
        let threshold = settings.probeThreshold
            ?? (insidePredictions.count >= 10 ? insidePredictions[Int((0.1 * Double(insidePredictions.count - 1)).rounded())] : 0.5)

        // The search from held-out images outside the concept.
        let chosen = Array(test.labels.indices.filter { !settings.conceptClasses.contains(test.labels[$0]) }.prefix(max(settings.searches, settings.examples)))
        let originals = test.subset(chosen)
        progress("searching the latent codes of \(chosen.count) images")
        let codes = encoder.forward(originals.pixels, mode: .inference)
        let anchor = sigmoid(decoder.forward(codes, mode: .inference))
        let target = SearchTarget(kind: .logistic, value: 1, threshold: threshold)
        let pixelsPerImage = Float(h * w)
        let probeBefore = probe.predict(classifier.forward(anchor, mode: .inference, through: layer))
        let before = classes(classifier, anchor)
        let latent = settings.latentDimension
        func search(_ parameters: PerturbationSearch) -> (maximised: Tensor, examples: [Example], summary: SearchSummary) {
            let delta = parameters.perturbation(of: codes) { points in
                let image = sigmoid(decoder.forward(points, mode: .inference))
                let activations = classifier.forward(image, mode: .inference, through: layer)
                var gradient = classifier.backward(from: layer, target.distanceGradient(probe, at: activations).gradient)
                for i in gradient.storage.indices {
                    let value = image.storage[i]
                    let pull = 2 * settings.reconstructionWeight * (value - anchor.storage[i]) / pixelsPerImage
                    gradient.storage[i] = (gradient.storage[i] + pull) * value * (1 - value)
                }
                return decoder.backward(gradient)
            }
            var moved = codes
            moved.add(delta)
            let maximised = sigmoid(decoder.forward(moved, mode: .inference))
            let probeAfter = probe.predict(classifier.forward(maximised, mode: .inference, through: layer))
            let after = classes(classifier, maximised)
            let examples = chosen.indices.map { index in
                Example(label: originals.labels[index], predictedBefore: before[index], predictedAfter: after[index],
                        probeBefore: probeBefore[index], probeAfter: probeAfter[index],
                        latentChange: (0..<latent).reduce(0.0) { $0 + Double(abs(delta.storage[index * latent + $1])) } / Double(latent))
            }
            let count = Double(max(examples.count, 1))
            let inConcept = { (example: Example) in settings.conceptClasses.contains(example.predictedAfter) }
            let summary = SearchSummary(
                l1: parameters.l1, classifierInConcept: Double(examples.count(where: inConcept)) / count,
                probeReached: Double(examples.count { $0.probeAfter >= threshold }) / count,
                fooled: Double(examples.count { $0.probeAfter >= threshold && !inConcept($0) }) / count,
                probeGain: examples.reduce(0) { $0 + $1.probeAfter - $1.probeBefore } / count,
                meanLatentChange: examples.reduce(0) { $0 + $1.latentChange } / count)
            return (maximised, examples, summary)
        }
        let (maximised, examples, searchSummary) = search(settings.search)
        let drawn = Array(0..<min(settings.examples, chosen.count))
        try write(out: out, formats: formats, originals: originals.subset(drawn), reconstructions: anchor.gathering(rows: drawn), maximised: maximised.gathering(rows: drawn),
                  examples: drawn.map { examples[$0] })
        let sweep = settings.search.sweepingL1(settings.sweep ?? []).map { parameters in
            progress("sweep: λ₁ = \(parameters.l1)")
            return search(parameters).summary
        }
        if !sweep.isEmpty {
            let figure = TradeOffFigure(title: "images", costLabel: "L1 penalty on the latent change",
                                        metrics: ["classifier in concept", "probe gain", "mean latent change"],
                                        points: sweep.map { .init(series: "latent search", cost: Double($0.l1), values: [$0.classifierInConcept, $0.probeGain, $0.meanLatentChange]) })
            try figure.write(to: out, columns: ["classifier_in_concept", "probe_gain", "mean_latent_change"], formats: formats)
        }
        let summary = Summary(reconstructionError: reconstructionError, classifierAccuracy: classifierAccuracy, probeAccuracy: probeAccuracy,
                              probeThreshold: threshold, searched: chosen.count, examples: drawn.map { examples[$0] }, search: searchSummary, sweep: sweep)
        try RunManifest(
            command: "images", title: "Images: searching an autoencoder's latent space",
            summary: "\(chosen.count) held-out images outside the concept, their reconstruction, and the image decoded from the latent code "
                + "perturbed until the probe at the classifier's \(settings.layer) passes \(String(format: "%.3g", threshold)) (the prediction 90% of "
                + "held-out concept images pass); the classifier's class judges each result.",
            settings: settings, outcome: summary,
            findings: [String(format: "Classifier accuracy %.3f, probe balanced accuracy %.3f. After the search the classifier puts %.0f%% of the images in a "
                              + "concept class; the probe passed its threshold on %.0f%%, and on %.0f%% it did while the classifier disagreed (fooled).",
                              classifierAccuracy, probeAccuracy, 100 * searchSummary.classifierInConcept, 100 * searchSummary.probeReached,
                              100 * searchSummary.fooled)],
            tables: [.init(path: "examples.csv", caption: "each drawn image: class and probe before and after, latent change")]
                + (sweep.isEmpty ? [] : [.init(path: "sweep.csv", caption: "the search at every swept λ₁")]),
            figures: [.init(path: formats.file("grid"), caption: "original, reconstruction, maximised")]
                + (sweep.isEmpty ? [] : [.init(path: formats.file("sweep"), caption: "classifier in concept, probe gain and latent change against λ₁")])
        ).write(to: out)
        return summary
    }

    private func sigmoid(_ logits: Tensor) -> Tensor {
        Tensor(shape: logits.shape, logits.storage.map { 1 / (1 + exp(-$0)) })
    }

    private func classes(_ classifier: Sequential, _ pixels: Tensor) -> [Int] {
        let logits = classifier.forward(pixels, mode: .inference)
        let k = logits.rowSize
        return (0..<logits.rows).map { row in (0..<k).max { logits.storage[row * k + $0] < logits.storage[row * k + $1] }! }
    }

    private func name(_ label: Int) -> String { label < settings.classNames.count ? settings.classNames[label] : String(label) }

    private func write(out: String, formats: FigureFormats, originals: ImageSet, reconstructions: Tensor, maximised: Tensor, examples: [Example]) throws {
        var table = "label,predicted_before,predicted_after,probe_before,probe_after,mean_latent_change\n"
        for example in examples {
            table += "\(name(example.label)),\(name(example.predictedBefore)),\(name(example.predictedAfter)),"
                + String(format: "%.4f,%.4f,%.4f\n", example.probeBefore, example.probeAfter, example.latentChange)
        }
        try AtomicFileWriter.write(Data(table.utf8), to: out + "/examples.csv")
        let size = originals.height * originals.width
        func pixels(_ tensor: Tensor, _ row: Int) -> [Float] { Array(tensor.storage[(row * size)..<((row + 1) * size)]) }
        let rows = examples.enumerated().map { row, example in
            [SearchedImagesFigure.Panel(pixels: pixels(originals.pixels, row), caption: "class \(name(example.label))", probe: ""),
             SearchedImagesFigure.Panel(pixels: pixels(reconstructions, row), caption: name(example.predictedBefore), probe: String(format: "P=%.2f", example.probeBefore)),
             SearchedImagesFigure.Panel(pixels: pixels(maximised, row), caption: name(example.predictedAfter), probe: String(format: "P=%.2f", example.probeAfter))]
        }
        try SearchedImagesFigure(imageWidth: originals.width, imageHeight: originals.height, rows: rows).write(to: out + "/grid", formats: formats)
    }
}
