import ArgumentParser
import DataFiles
import Foundation
import Images
import Interpretability

struct ImagesCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Concept backpropagation on images, searched in a convolutional autoencoder's latent space.",
        discussion: """
            Trains an autoencoder and a classifier, fits a logistic probe for the concept (a set of classes) at a \
            classifier layer, and perturbs the latent codes of held-out images outside the concept until the decoded \
            image drives the probe to 1. Writes the figure OUT/grid in each --format (original, reconstruction, maximised, with the \
            classifier's class and the probe's P) and OUT/examples.csv. Concepts: class indices (0,6,8,9), \
            Fashion-MNIST class names (t-shirt,pullover,coat,shirt), or the presets upper-body (Fashion-MNIST \
            T-shirt/top, pullover, coat, shirt) and loopy (MNIST 0, 6, 8, 9).
            """)

    @Option(help: "IDX image file (plain or gzip).")
    var idxImages = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

    @Option(help: "IDX label file (plain or gzip).")
    var idxLabels = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"

    @Option(help: "CSV of 'label, pixel…' rows (0–255) instead of IDX files.")
    var csv: String?

    @Option(help: "The concept: class indices, Fashion-MNIST class names, or a preset (upper-body, loopy).")
    var concept = "upper-body"

    @Option(help: "The classifier layer the probe reads: conv1_relu, conv2_relu, conv3_relu or fc_relu.")
    var layer = "fc_relu"

    @Option(help: "Latent dimension of the autoencoder.")
    var latent = 64

    @Option(help: "Images to train on.")
    var trainingImages = 12_000

    @Option(help: "Training epochs of each model.")
    var epochs = 3

    @Option(help: "Held-out images outside the concept to search from.")
    var searches = 200

    @Option(help: "Searched images to draw in the figure OUT/grid.")
    var examples = 8

    @Option(help: "The probe prediction that counts as reached (default: the one 90% of held-out concept images pass).")
    var probeThreshold: Double?

    @Option(help: "λ₁ values to sweep, comma-separated (e.g. 0,0.001,0.01,0.1): OUT/sweep.csv and the figure OUT/sweep.")
    var sweep: String?

    @Option(help: "λ₁ on the latent perturbation.")
    var l1: Float = 0.001

    @Option(help: "λ₂ on the latent perturbation.")
    var l2: Float = 0.001

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @OptionGroup var seeding: SeedOptions

    static let fashionNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    static let presets: [String: Set<Int>] = ["upper-body": [0, 2, 4, 6], "loopy": [0, 6, 8, 9]]

    /// The classes a concept argument names.
    static func classes(_ text: String) throws -> Set<Int> {
        if let preset = presets[text.lowercased()] { return preset }
        var result = Set<Int>()
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if let index = Int(part), index >= 0 {
                result.insert(index)
            } else if let index = fashionNames.firstIndex(where: { $0.lowercased() == part || $0.lowercased().hasPrefix(part + "/") }) {
                result.insert(index)
            } else {
                throw ValidationError("--concept: \"\(part)\" is neither a class index, a Fashion-MNIST class name nor a preset (\(presets.keys.sorted().joined(separator: ", ")))")
            }
        }
        guard !result.isEmpty else { throw ValidationError("--concept names no class") }
        return result
    }

    func run() throws {
        var settings = ImageExperiment.Settings(conceptClasses: try Self.classes(concept))
        settings.layer = layer
        settings.latentDimension = latent
        settings.trainingImages = trainingImages
        settings.epochs = epochs
        settings.searches = searches
        settings.examples = examples
        settings.probeThreshold = probeThreshold
        settings.sweep = try SweepList.parse(sweep)?.map(Float.init)
        settings.search = PerturbationSearch(l1: l1, l2: l2, learningRate: 0.05, steps: 200)
        settings.seed = seeding.seed
        let limit = trainingImages + 2_000
        let images: ImageSet
        do {
            images = try csv.map { try ImageSet(csv: $0, limit: limit) } ?? ImageSet(idxImages: idxImages, idxLabels: idxLabels, limit: limit)
        } catch let error as DataFileError {
            throw ValidationError(error.description + (csv == nil && idxImages.hasPrefix("/usr/share/datasets") ? " (install Debian's dataset-fashion-mnist)" : ""))
        }
        settings.classNames = csv == nil && idxImages.contains("fashion") ? Self.fashionNames : []
        let experiment: ImageExperiment
        do { experiment = try ImageExperiment(images: images, settings: settings) } catch { throw ValidationError(error.description) }
        let line = ProgressLine(unit: "")
        let summary = try experiment.run(out: outputDirectory, formats: figures.formats) { line.status($0) }
        line.clear()
        print(String(format: "autoencoder mean absolute pixel error %.3f; classifier accuracy %.3f; probe (%@ at %@) balanced accuracy %.3f",
                     summary.reconstructionError, summary.classifierAccuracy, concept, layer, summary.probeAccuracy))
        let search = summary.search
        print(String(format: "%d held-out images outside the concept: the classifier says a concept class on %.1f%% afterwards; "
                     + "the probe passed %.3f on %.1f%% (fooled %.1f%%)", summary.searched, 100 * search.classifierInConcept,
                     summary.probeThreshold, 100 * search.probeReached, 100 * search.fooled))
        for point in summary.sweep {
            print(String(format: "sweep λ₁ %g: classifier in concept %.1f%%, probe gain %.3f, mean latent change %.4f", point.l1,
                         100 * point.classifierInConcept, point.probeGain, point.meanLatentChange))
        }
        print("Wrote \(outputDirectory)/examples.csv, " + figures.files("grid"))
    }
}
