import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import Interpretability
import Neural
import Plotting
import PositionCollections

/// Relevance maximisation (RelMax; Achtibat et al. 2023): for every channel of a layer,
/// and for a concept probe's direction there, the positions of a whole collection on
/// which it carries the most relevance for the network's own estimate (the value, or
/// NNUE's evaluation), beside those on which it is most active (ActMax). A channel can fire
/// strongly where it matters little: ActMax shows what excites it, RelMax what it is used
/// for. Each reference position is drawn with its conditional heatmap, the relevance that
/// flows through the target alone.
///
/// The ranking lives in `ranking.json`, saved as the run reads: a run with `resume` and
/// the same settings goes on from it, after an interruption or to read further with more
/// `positions`, and ends with the ranking an uninterrupted run makes.
///
/// ```swift
/// var settings = RelMaxRun.Settings(data: ["games.pgn.gz"])
/// settings.channels = [5, 17]
/// let outcome = try RelMaxRun(settings: settings).run(out: "relmax")
/// outcome.ranking.targets[0].byRelevance.entries.first?.fen
/// ```
package struct RelMaxRun {
    package struct Settings: Codable, Sendable, Equatable {
        package enum Defaults {
            package static let positions = 20_000
            package static let top = 8
            /// Channels drawn beside a concept: those carrying most of its relevance.
            package static let conceptChannels = 3
        }

        package var model = RunDefaults.model
        /// Checkpoint step; `nil` for the last.
        package var checkpoint: Int?
        /// The layer whose channels are ranked; `nil` for the last residual block.
        package var layer: String?
        /// Which channels are drawn and tabulated (every channel is ranked).
        package enum Channels: Codable, Sendable, Equatable {
            case listed([Int])
            case all
            /// Those carrying most of the concept's relevance.
            case carryingConcept
        }

        package var channels = Channels.carryingConcept
        /// A concept whose probe direction at the layer is ranked too.
        package var concept: String?
        /// A concept evaluated on every reference position and over the collection (default: `concept`).
        package var label: String?
        package var data = RunDefaults.collections
        /// Positions to read from the start of the collections, in order.
        package var positions = Defaults.positions
        /// Reference positions kept per target and ranking.
        package var top = Defaults.top
        package var composite = RelevanceComposite.standard
        /// A `probe` output directory holding the concept's probe (fitted there when missing).
        package var probes = RelevanceRun.Settings.Defaults.probes
        package var seed: UInt64 = RunDefaults.seed

        package init(data: [String] = RunDefaults.collections) {
            self.data = data
        }

        /// The settings a ranking was made with, but for how far it read and which channels
        /// it draws (every channel is ranked): what a later run must repeat.
        var identity: Settings {
            var identity = self
            identity.positions = 0
            identity.channels = .all
            return identity
        }
    }

    /// One channel's (or the concept direction's) rankings.
    package struct Target: Codable, Sendable, Equatable {
        /// `channel 17`, or the concept's name.
        package let name: String
        package let channel: Int?
        package var byRelevance: RankedPositions
        package var byActivation: RankedPositions
    }

    /// What `ranking.json` holds.
    package struct Ranking: Codable, Sendable, Equatable {
        package let settings: Settings
        package let step: Int
        package let layer: String
        /// Positions read from the start of the collections.
        package var positionsRead: Int
        /// Every channel of the layer, then the concept's direction if any.
        package var targets: [Target]
        /// Per channel, the concept direction's relevance passing through it, summed over the positions.
        package var conceptRelevanceByChannel: [Double]
        /// Positions read, and those where `label` is true.
        package var labelled: Int, labelTrue: Int
    }

    /// What the run found.
    package struct Outcome: Sendable {
        package let ranking: Ranking
        /// The targets drawn, in order.
        package let shown: [Target]
        /// Positions this run read.
        package let read: Int
        /// Per shown target, how many of its RelMax and ActMax positions have `label` true.
        package let labelCounts: [(relevance: Int, activation: Int)]
    }

    package let settings: Settings
    package let step: Int
    package let layer: String
    private let network: any ChessNetwork
    private let direction: [Float]?
    private let label: Concept?
    private let channelCount: Int

    /// Resolves the model, checkpoint, layer, concept probe and label; errors name the bad setting.
    package init(settings: Settings, onWarning: (String) -> Void = { _ in }) throws(RunError) {
        (step, network) = try NetworkModel(settings.model).network(checkpoint: settings.checkpoint, seed: settings.seed)
        layer = settings.layer ?? network.sensitivityLayers.last!
        guard network.probeLayers.contains(layer), layer != "input" else {
            throw RunError.invalidSetting("layer", value: layer, requirement: "not a layer of this network (\(network.probeLayers.dropFirst().joined(separator: ", ")))")
        }
        let channelCount = network.shape(of: layer).last!
        self.channelCount = channelCount
        switch settings.channels {
        case .carryingConcept where settings.concept == nil:
            throw RunError.invalidSetting("channels", value: "none", requirement: "name channels, or a concept")
        case .listed(let listed):
            if let bad = listed.first(where: { !(0..<channelCount).contains($0) }) {
                throw RunError.invalidSetting("channels", value: "\(bad)", requirement: "\(layer) has channels 0…\(channelCount - 1)")
            }
        default:
            break
        }
        guard settings.positions > 0 else { throw RunError.invalidSetting("positions", value: "\(settings.positions)", requirement: "must be positive") }
        guard settings.top > 0 else { throw RunError.invalidSetting("top", value: "\(settings.top)", requirement: "must be positive") }
        if let concept = settings.concept {
            let store = ProbeStore(directory: settings.probes, model: settings.model, data: settings.data, seed: settings.seed)
            let resolved: Concept
            do { resolved = try ConceptCatalogue.named(concept) } catch { throw RunError.unreadableSetting("concept", underlying: error) }
            guard resolved.kind == .binary || resolved.kind == .scalar else {
                throw RunError.invalidSetting("concept", value: concept, requirement: "categorical; a direction needs a one-output (binary or scalar) probe")
            }
            direction = try store.probe(concept: concept, step: step, layer: layer, onWarning: onWarning).direction
        } else {
            direction = nil
        }
        if let name = settings.label ?? settings.concept {
            do { label = try ConceptCatalogue.named(name) } catch { throw RunError.unreadableSetting("label", underlying: error) }
        } else {
            label = nil
        }
        self.settings = settings
    }

    /// Reads the collections up to `positions` into the ranking, then writes the tables,
    /// pictures and manifest. `out` must be new, empty, or an earlier relmax run; with
    /// `resume`, the ranking an earlier run with the same settings saved there is read on
    /// rather than started again.
    package func run(out: String, formats: FigureFormats = RunDefaults.figureFormats, resume: Bool = false,
                     onError: @escaping (CollectionError) -> Void = { _ in }, progress: (Int) -> Void = { _ in }) throws -> Outcome {
        var ranking = try startingRanking(out: out, resume: resume)
        // What the earlier run read is skipped quietly: its bad games were reported then.
        var skipping = true
        let stream = PositionStream(paths: settings.data, onError: { if !skipping { onError($0) } })
        var skipped = 0
        while skipped < ranking.positionsRead, stream.next() != nil { skipped += 1 }
        skipping = false
        let startedAt = ranking.positionsRead
        let clock = ContinuousClock()
        var savedAt = clock.now
        while ranking.positionsRead < settings.positions {
            let batch = stream.next(min(Self.batch, settings.positions - ranking.positionsRead))
            if batch.isEmpty { break }
            score(batch, into: &ranking)
            ranking.positionsRead += batch.count
            progress(ranking.positionsRead)
            // Saved by time, not by count: a wide layer's ranking is large, and what a kill
            // loses stays a few seconds of reading whatever the layer.
            if clock.now - savedAt >= Self.saveInterval {
                try JSONFile.write(ranking, to: "\(out)/\(Self.rankingFile)")
                savedAt = clock.now
            }
        }
        try JSONFile.write(ranking, to: "\(out)/\(Self.rankingFile)")
        return try write(ranking, read: ranking.positionsRead - startedAt, out: out, formats: formats)
    }

    static let rankingFile = "ranking.json"
    /// Positions per forward pass. A resumed run starts at a batch boundary of the first, so
    /// every position is scored in the same batch as without the interruption.
    static let batch = 256
    /// The longest stretch of reading an interruption can lose.
    static let saveInterval = Duration.seconds(2)

    private func startingRanking(out: String, resume: Bool) throws -> Ranking {
        try OutputDirectory.claim(out, marker: Self.rankingFile)
        if resume, FileManager.default.fileExists(atPath: "\(out)/\(Self.rankingFile)") {
            let ranking: Ranking
            do { ranking = try JSONFile.read(Ranking.self, from: "\(out)/\(Self.rankingFile)") } catch {
                throw RunError.unreadableFile("\(out)/\(Self.rankingFile)", underlying: error)
            }
            guard ranking.settings.identity == settings.identity, ranking.step == step else {
                throw RunError.invalidSetting("resume", value: out, requirement: "holds a ranking made with other settings (\(Self.differences(ranking.settings, settings))); resume with the same options")
            }
            guard ranking.positionsRead <= settings.positions else {
                throw RunError.invalidSetting("positions", value: "\(settings.positions)", requirement: "the ranking in \(out) has read \(ranking.positionsRead) already; resume with at least as many")
            }
            return ranking
        }
        var targets = (0..<channelCount).map {
            Target(name: "channel \($0)", channel: $0, byRelevance: RankedPositions(capacity: settings.top), byActivation: RankedPositions(capacity: settings.top))
        }
        if let concept = settings.concept {
            targets.append(Target(name: concept, channel: nil, byRelevance: RankedPositions(capacity: settings.top), byActivation: RankedPositions(capacity: settings.top)))
        }
        return Ranking(settings: settings.identity, step: step, layer: layer, positionsRead: 0, targets: targets,
                       conceptRelevanceByChannel: [Double](repeating: 0, count: channelCount), labelled: 0, labelTrue: 0)
    }

    private static func differences(_ a: Settings, _ b: Settings) -> String {
        let (left, right) = ((try? JSONValue(encoding: a.identity)) ?? .null, (try? JSONValue(encoding: b.identity)) ?? .null)
        guard case .object(let x) = left, case .object(let y) = right else { return "settings" }
        return Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted().joined(separator: ", ")
    }

    /// Scores a batch for every target and offers each position to the rankings.
    private func score(_ batch: [PositionStream.Item], into ranking: inout Ranking) {
        let (relevance, activations) = network.layerRelevance(of: batch.map(\.position), explaining: .output, at: layer, composite: settings.composite)
        let width = relevance.rowSize, c = channelCount
        for (row, item) in batch.enumerated() {
            let base = row * width
            var channelRelevance = [Double](repeating: 0, count: c), channelActivation = [Double](repeating: 0, count: c)
            for i in 0..<width {
                channelRelevance[i % c] += Double(relevance.storage[base + i])
                channelActivation[i % c] += Double(activations.storage[base + i])
            }
            let fen = item.position.fen
            func offer(_ index: Int, relevance: Double, activation: Double) {
                let entry = { (score: Double) in
                    RankedPositions.Entry(fen: fen, source: item.source, game: item.game, ply: item.ply, score: score, relevance: relevance, activation: activation)
                }
                if ranking.targets[index].byRelevance.admits(relevance) { ranking.targets[index].byRelevance.offer(entry(relevance)) }
                if ranking.targets[index].byActivation.admits(activation) { ranking.targets[index].byActivation.offer(entry(activation)) }
            }
            for channel in 0..<c { offer(channel, relevance: channelRelevance[channel], activation: channelActivation[channel]) }
            if let direction {
                let r = (0..<width).map { Double(relevance.storage[base + $0]) }, a = (0..<width).map { Double(activations.storage[base + $0]) }
                let kept = LayerwiseRelevance.Condition.Selection.direction(direction).kept(r, activations: a, channelCount: c)
                for (i, value) in kept.enumerated() { ranking.conceptRelevanceByChannel[i % c] += value }
                let readout = zip(direction, a).reduce(0) { $0 + Double($1.0) * $1.1 }
                offer(c, relevance: kept.reduce(0, +), activation: readout)
            }
            if let label {
                ranking.labelled += 1
                if label.value(item.position) > 0.5 { ranking.labelTrue += 1 }
            }
        }
    }

    /// The targets to show: the channels asked for, or those carrying most of the concept's
    /// relevance; then the concept's direction.
    private func shownTargets(_ ranking: Ranking) -> [Target] {
        let channels = switch settings.channels {
        case .listed(let listed): listed
        case .all: Array(0..<channelCount)
        case .carryingConcept:
            ranking.conceptRelevanceByChannel.enumerated().sorted { $0.element > $1.element }.prefix(Settings.Defaults.conceptChannels).map(\.offset)
        }
        return channels.map { ranking.targets[$0] } + (settings.concept == nil ? [] : [ranking.targets[channelCount]])
    }

    private func write(_ ranking: Ranking, read: Int, out: String, formats: FigureFormats) throws -> Outcome {
        let shown = shownTargets(ranking)
        var csv = "target,ranking,rank,fen,source,game,ply,relevance,activation" + (label.map { ",\($0.name)" } ?? "") + "\n"
        var figures = [RunManifest.Entry](), counts = [(relevance: Int, activation: Int)]()
        for target in shown {
            let selection: LayerwiseRelevance.Condition.Selection = target.channel.map { .channels([$0]) } ?? .direction(direction!)
            var pictures = [BoardPicture](), labelled = [0, 0]
            for (index, (kind, list)) in [("relmax", target.byRelevance), ("actmax", target.byActivation)].enumerated() {
                for (rank, entry) in list.entries.enumerated() {
                    let position = try Position(fen: entry.fen)
                    let truth = label.map { $0.value(position) > 0.5 }
                    if truth == true { labelled[index] += 1 }
                    csv += "\(target.name),\(kind),\(rank + 1),\(entry.fen),\(entry.source),\(entry.game),\(entry.ply),"
                        + String(format: "%.6g,%.6g", entry.relevance, entry.activation) + (truth.map { ",\($0 ? 1 : 0)" } ?? "") + "\n"
                    let map = network.relevance(of: position, explaining: .output, rankedAt: layer, through: selection, composite: settings.composite)
                    let score = kind == "relmax" ? String(format: "R %.3g", entry.relevance) : String(format: "A %.3g", entry.activation)
                    pictures.append(BoardPicture(position, title: "\(kind == "relmax" ? "RelMax" : "ActMax") \(rank + 1): \(score)" + (truth == true ? " ✓" : ""),
                                                 heat: RelevanceRun.normalised(map.squares)))
                }
            }
            counts.append((labelled[0], labelled[1]))
            let name = "target-" + target.name.replacingOccurrences(of: " ", with: "-")
            let columns = max(target.byRelevance.entries.count, target.byActivation.entries.count, 1)
            try BoardPicture.grid(pictures, columns: columns).write(to: "\(out)/\(name)", formats: formats)
            figures.append(.init(path: formats.file(name), caption: "\(target.name) at \(layer): RelMax (top row) and ActMax (bottom row) positions, each with the relevance flowing through it" + (label.map { "; ✓ where \($0.name) holds" } ?? "")))
        }
        try AtomicFileWriter.write(Data(csv.utf8), to: "\(out)/references.csv")
        try RunManifest(
            command: "relmax", title: "Reference positions of \(layer)'s channels" + (settings.concept.map { " and of \($0)" } ?? ""),
            summary: "For every channel of \(layer) at step \(step)" + (settings.concept.map { ", and for the \($0) probe's direction there," } ?? ",")
                + " the \(settings.top) positions of the first \(ranking.positionsRead) of \(settings.data.joined(separator: ", ")) on which it carries the most relevance for the "
                + (network.outputs.contains(.value) ? "value" : "evaluation") + " (RelMax, LRP \(settings.composite)), beside those on which it is most active (ActMax). "
                + "Each board shows the relevance flowing through the target alone: red squares raise the output through it, blue ones lower it.",
            settings: settings, outcome: Summary(ranking: ranking, shown: shown, counts: counts),
            findings: findings(ranking, shown: shown, counts: counts),
            tables: [.init(path: "references.csv", caption: "the reference positions of each target shown")],
            figures: figures,
            files: [.init(path: Self.rankingFile, caption: "the ranking of every channel, which a run with resume goes on from")]
        ).write(to: out)
        return Outcome(ranking: ranking, shown: shown, read: read, labelCounts: counts)
    }

    private func findings(_ ranking: Ranking, shown: [Target], counts: [(relevance: Int, activation: Int)]) -> [String] {
        var findings = [String]()
        if settings.concept != nil && settings.channels == .carryingConcept {
            let total = ranking.conceptRelevanceByChannel.map(abs).reduce(0, +)
            let channels = shown.compactMap(\.channel).map { String(format: "%d (%.0f%%)", $0, 100 * ranking.conceptRelevanceByChannel[$0] / max(total, 1e-12)) }
            findings.append("The channels carrying most of \(settings.concept!)'s relevance at \(layer): \(channels.joined(separator: ", ")) of the summed magnitude.")
        }
        for (target, count) in zip(shown, counts) {
            let overlap = Set(target.byRelevance.entries.map(\.fen)).intersection(target.byActivation.entries.map(\.fen)).count
            var sentence = "\(target.name): \(overlap) of its \(target.byRelevance.entries.count) RelMax positions are among its ActMax ones"
            if let label, ranking.labelled > 0 {
                sentence += String(format: "; %@ holds on %d of its RelMax and %d of its ActMax positions, against %.1f%% of the %d read",
                                   label.name, count.relevance, count.activation, 100 * Double(ranking.labelTrue) / Double(ranking.labelled), ranking.labelled)
            }
            findings.append(sentence + ".")
        }
        return findings
    }

    /// The manifest's outcome: how far the ranking read, and the shown targets' best positions.
    struct Summary: Codable {
        let positionsRead: Int, labelled: Int, labelTrue: Int
        let targets: [ShownTarget]
        struct ShownTarget: Codable { let name: String, relmaxTrue: Int, actmaxTrue: Int, bestRelevance: Double?, bestActivation: Double? }

        init(ranking: Ranking, shown: [Target], counts: [(relevance: Int, activation: Int)]) {
            positionsRead = ranking.positionsRead
            labelled = ranking.labelled
            labelTrue = ranking.labelTrue
            targets = zip(shown, counts).map { target, count in
                ShownTarget(name: target.name, relmaxTrue: count.relevance, actmaxTrue: count.activation,
                            bestRelevance: target.byRelevance.entries.first?.relevance, bestActivation: target.byActivation.entries.first?.activation)
            }
        }
    }
}
