import Dispatch
import DataFiles
import Neural
import Interpretability

/// Every concept's probe at one checkpoint and layer: a regularisation path fitted on
/// the training games, the penalty chosen per concept on the validation games, the
/// test score with a bootstrap interval, and the control task at the chosen penalty.
///
/// Every concept is fitted on the shared rows, and a binary concept with rows of its own
/// (`ProbeSample`) on the shared rows followed by its own, standardised with its own
/// training rows' statistics. One eigendecomposition of the shared training activations
/// serves every concept fitted on them: scalar concepts get exact ridge solutions for
/// every penalty from it, and binary and categorical concepts are fitted to convergence
/// in the coordinates it preconditions. A concept with rows of its own costs one more
/// decomposition, of its rows: the shared one misses the directions its own rows add,
/// and preconditioned by it alone the fit took 40% longer (in_check at the stem, 3,000 rows).
///
/// A concept's outcome depends on its rows alone: fits of several concepts share passes
/// over the rows, never arithmetic.
struct CellFit {
    /// The activations of one set of rows in each split.
    struct Rows {
        let train: Tensor
        let validation: Tensor
        let test: Tensor

        /// These rows followed by `other`'s, split by split.
        func followed(by other: Rows) -> Rows {
            func stacked(_ a: Tensor, _ b: Tensor) -> Tensor { Tensor(shape: [a.rows + b.rows, a.rowSize], a.storage + b.storage) }
            return Rows(train: stacked(train, other.train), validation: stacked(validation, other.validation), test: stacked(test, other.test))
        }
    }

    /// One concept's outcome.
    struct Outcome: Sendable {
        /// The linear probe (nil for an MLP readout, which other commands cannot use).
        let probe: LinearProbe?
        /// The L2 strength chosen (an MLP's weight decay).
        let penalty: Float
        /// Test scores by metric, with their intervals, and the control task's scores.
        let scores: [ProbeMetric: (score: Double, low: Double, high: Double)]
        let control: [ProbeMetric: Double]
    }

    /// The rows every concept uses.
    let shared: Rows
    /// The rows a concept uses besides the shared ones, by concept name.
    let own: [String: Rows]

    /// Penalties tried past an end of the path when the best one sits there.
    static let extraPenalties = 8
    /// Past the end of the given penalties, a path of iterative fits stops this many
    /// penalties after its validation score peaked. Within them every penalty is fitted:
    /// a weak concept's validation curve is noisy and can peak again after a dip.
    static let patience = 3

    /// Fits `tasks` (all informative) along `penalties` (strongest first); the outcome of each in order.
    func run(_ tasks: [ProbeTask], readout: ProbeReadout, penalties: [Float], resamples: Int, seed: UInt64) -> [Outcome] {
        guard !tasks.isEmpty else { return [] }
        // The concepts fitted on the shared rows (owner ""), and each concept with rows of its own.
        let groups = Dictionary(grouping: tasks.indices) { own[tasks[$0].concept.name] == nil ? "" : tasks[$0].concept.name }
            .sorted { $0.key < $1.key }
        // The groups side by side: a fit's quasi-Newton steps run on one thread between its passes over the rows.
        let results = UnsafeMutableBufferPointer<[Outcome]>.allocate(capacity: groups.count)
        _ = results.initialize(from: repeatElement([], count: groups.count))
        defer { results.deinitialize().deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: groups.count) { group in
            let (owner, members) = groups[group]
            let rows = owner.isEmpty ? shared : shared.followed(by: own[owner]!)
            let design = StandardizedActivations(fitting: rows.train)
            slots[group] = fit(members.map { tasks[$0] }, rows: rows, design: design, spectrum: readout == .mlp ? nil : SpectralDesign(design),
                               readout: readout, penalties: penalties, resamples: resamples, seed: seed)
        }
        var outcomes = [Outcome?](repeating: nil, count: tasks.count)
        for (group, (_, members)) in groups.enumerated() {
            for (index, outcome) in zip(members, results[group]) { outcomes[index] = outcome }
        }
        return outcomes.map { $0! }
    }

    /// Fits `tasks`, whose targets label `rows`, on `design` (their standardised training
    /// rows); `spectrum`, `design`'s decomposition, solves ridge targets exactly and
    /// preconditions iterative fits.
    private func fit(_ tasks: [ProbeTask], rows: Rows, design: StandardizedActivations, spectrum: SpectralDesign?, readout: ProbeReadout,
                     penalties: [Float], resamples: Int, seed: UInt64) -> [Outcome] {
        guard !tasks.isEmpty else { return [] }
        let validationRows = tasks.map { $0.validation.labelledIndices }
        if readout == .mlp {
            return tasks.enumerated().map { index, task in
                let fitter = MLPProbe.Fitter(seed: SplitMix64.mix(seed, task.concept.name))
                let (probe, epochs) = fitter.fit(design, target: task.train) { candidate in
                    task.metrics[0].score(candidate.scores(rows.validation), target: task.validation, rows: validationRows[index])
                }
                // The control task trains for as many epochs: choosing them on its shuffled labels would need held-out shuffled labels.
                var controlFitter = fitter
                controlFitter.epochs = epochs
                let control = controlFitter.fit(design, target: task.controlTrain).probe
                return outcome(task, probe: nil, penalty: fitter.weightDecay, scores: probe.scores(rows.test), controlScores: control.scores(rows.test),
                               resamples: resamples, seed: seed)
            }
        }
        func score(_ index: Int, _ probe: LinearProbe) -> Double {
            tasks[index].metrics[0].score(probe.scores(rows.validation), target: tasks[index].validation, rows: validationRows[index])
        }
        let exact = tasks.indices.filter { tasks[$0].kind == .linear && readout == .linear && spectrum != nil }
        let iterative = tasks.indices.filter { !exact.contains($0) }
        var chosen = [Int: (probe: LinearProbe, penalty: Float)]()
        if let spectrum {
            for (index, choice) in zip(exact, ridgePath(exact.map { tasks[$0].train }, design: design, spectrum: spectrum, penalties: penalties,
                                                          score: { score(exact[$0], $1) })) {
                chosen[index] = choice
            }
        }
        for (index, choice) in zip(iterative, iterativePath(iterative.map { tasks[$0].train }, design: design, spectrum: spectrum,
                                                              fitter: readout.fitter, penalties: penalties, score: { score(iterative[$0], $1) })) {
            chosen[index] = choice
        }
        // The control task at each concept's chosen penalty, fitted the same way.
        var controls = [Int: LinearProbe]()
        for index in exact {
            let target = tasks[index].controlTrain
            controls[index] = decomposition(for: target, design: design, shared: spectrum).ridge([target.labels], penalties: [chosen[index]!.penalty])[0][0]
        }
        if !iterative.isEmpty {
            let probes = readout.fitter.fit(design, targets: iterative.map { tasks[$0].controlTrain },
                                            penalties: iterative.map { chosen[$0]!.penalty }, spectrum: spectrum)
            for (index, probe) in zip(iterative, probes) { controls[index] = probe }
        }
        return tasks.indices.map { index in
            let choice = chosen[index]!
            return outcome(tasks[index], probe: choice.probe, penalty: choice.penalty, scores: choice.probe.scores(rows.test),
                           controlScores: controls[index]!.scores(rows.test), resamples: resamples, seed: seed)
        }
    }

    /// A concept's test scores with their bootstrap intervals, and its control task's.
    private func outcome(_ task: ProbeTask, probe: LinearProbe?, penalty: Float, scores: [Float], controlScores: [Float], resamples: Int,
                         seed: UInt64) -> Outcome {
        let rows = task.test.labelledIndices
        var results = [ProbeMetric: (Double, Double, Double)](), control = [ProbeMetric: Double]()
        for metric in task.metrics {
            let interval = Metrics.bootstrapInterval(count: rows.count, resamples: resamples, seed: SplitMix64.mix(seed, task.concept.name)) { sample in
                metric.score(scores, target: task.test, rows: sample.map { rows[$0] })
            }
            results[metric] = (metric.score(scores, target: task.test, rows: rows), interval.low, interval.high)
            control[metric] = metric.score(controlScores, target: task.controlTest, rows: task.controlTest.labelledIndices)
        }
        return Outcome(probe: probe, penalty: penalty, scores: results, control: control)
    }

    /// The decomposition a ridge target is solved on: the shared one, or — when some
    /// training rows are unlabelled — one of its labelled rows.
    private func decomposition(for target: ProbeTarget, design: StandardizedActivations, shared: SpectralDesign?) -> SpectralDesign {
        let rows = target.labelledIndices
        if let shared, rows.count == design.rows { return shared }
        guard let own = SpectralDesign(design, rows: rows) else { preconditionFailure("LAPACK's eigensolver did not converge") }
        return own
    }

    /// Exact ridge probes for the whole path (and past its ends while the best sits at one),
    /// each target's best on validation.
    private func ridgePath(_ targets: [ProbeTarget], design: StandardizedActivations, spectrum: SpectralDesign, penalties: [Float],
                           score: (Int, LinearProbe) -> Double) -> [(probe: LinearProbe, penalty: Float)] {
        targets.enumerated().map { index, target in
            let decomposition = self.decomposition(for: target, design: design, shared: spectrum)
            var path = penalties
            var probes = decomposition.ridge([target.labels], penalties: path).map { $0[0] }
            var scores = probes.map { score(index, $0) }
            for _ in 0..<Self.extraPenalties {
                let best = bestIndex(scores)
                guard best == 0 || best == path.count - 1, let ratio = Self.ratio(of: penalties) else { break }
                let next = best == 0 ? path[0] * ratio : path.last! / ratio
                let probe = decomposition.ridge([target.labels], penalties: [next])[0][0]
                if best == 0 {
                    path.insert(next, at: 0); probes.insert(probe, at: 0); scores.insert(score(index, probe), at: 0)
                } else {
                    path.append(next); probes.append(probe); scores.append(score(index, probe))
                }
            }
            let best = bestIndex(scores)
            return (probes[best], path[best])
        }
    }

    /// Converged probes along the path from strong to weak penalties, warm-started from
    /// the previous penalty, every target fitted in the same passes over the rows. Every
    /// target is fitted at every given penalty, as scikit-learn's path is; one whose peak
    /// is at an end continues past it until `patience` penalties bring nothing better.
    private func iterativePath(_ targets: [ProbeTarget], design: StandardizedActivations, spectrum: SpectralDesign?, fitter: ProbeFitter,
                               penalties: [Float], score: (Int, LinearProbe) -> Double) -> [(probe: LinearProbe, penalty: Float)] {
        guard !targets.isEmpty else { return [] }
        var best = [(probe: LinearProbe, penalty: Float, score: Double, position: Int)?](repeating: nil, count: targets.count)
        var latest = [LinearProbe?](repeating: nil, count: targets.count)
        var active = Array(targets.indices)
        var path = penalties
        var position = 0
        while !active.isEmpty {
            if position == path.count {
                guard path.count < penalties.count + Self.extraPenalties, let ratio = Self.ratio(of: penalties) else { break }
                path.append(path.last! / ratio)
            }
            let penalty = path[position]
            let start: [LinearProbe]? = active.allSatisfy { latest[$0] != nil } ? active.map { latest[$0]! } : nil
            let probes = fitter.fit(design, targets: active.map { targets[$0] }, start: start,
                                    penalties: Array(repeating: penalty, count: active.count), spectrum: spectrum)
            for (index, probe) in zip(active, probes) {
                latest[index] = probe
                let value = score(index, probe)
                if best[index] == nil || value > best[index]!.score || best[index]!.score.isNaN {
                    best[index] = (probe, penalty, value, position)
                }
            }
            position += 1
            active = active.filter { position < penalties.count || position - best[$0]!.position <= Self.patience }
        }
        // A target whose best is the strongest penalty tries stronger ones, each from zero.
        for index in targets.indices where best[index]!.position == 0 {
            guard let ratio = Self.ratio(of: penalties) else { break }
            for _ in 0..<Self.extraPenalties {
                let next = best[index]!.penalty * ratio
                let probe = fitter.fit(design, targets: [targets[index]], penalties: [next], spectrum: spectrum)[0]
                let value = score(index, probe)
                guard value > best[index]!.score else { break }
                best[index] = (probe, next, value, 0)
            }
        }
        return best.map { ($0!.probe, $0!.penalty) }
    }

    /// The step between neighbours of a geometric path, strongest first; nil for a path
    /// that cannot be extended (one penalty, or not decreasing).
    private static func ratio(of path: [Float]) -> Float? {
        guard path.count > 1, path[0] > path[1], path[1] > 0 else { return nil }
        return path[0] / path[1]
    }

    /// The index of the highest score (the first of equals; NaN scores lose).
    private func bestIndex(_ scores: [Double]) -> Int {
        var best = 0
        for index in scores.indices where scores[index] > scores[best] || (scores[best].isNaN && !scores[index].isNaN) { best = index }
        return best
    }
}
