import ArgumentParser
import Chess
import DataFiles
import Foundation
import Neural
import NeuralKernels
import NNUE
import PositionCollections

struct NNUEBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnue",
        abstract: "Full (non-incremental) Stockfish 15.1 NNUE evaluations/s on one core and on two, beside a batched NumPy implementation of the same integer arithmetic.")

    @Argument(help: "A collection to draw positions from.")
    var file = "positions/selfplay.pgn.gz"

    @Option(help: "The network: a .nnue file, or 'stockfish' for the installed engine's own.")
    var model = "stockfish"

    @Option(help: "Positions evaluated per round.")
    var positions = 100_000

    @Option(help: "Timed rounds; the fastest counts.")
    var rounds = 5

    @Option(help: "The Python that runs the NumPy reference.")
    var python = "python3"

    func run() throws {
        let path = model == "stockfish" ? try StockfishNetworkExport().networkPath() : model
        let network = try StockfishNetwork(contentsOf: path)
        let sample = PositionSample.draw(from: [file], count: positions, seed: 1).positions.map(\.position)
        print("network \(path); \(sample.count) positions from \(file); C kernels: \(String(cString: ck_vector_level()))")

        func fastest(_ body: () -> Void) -> Double {
            (0..<max(1, rounds)).map { _ in
                let clock = ContinuousClock.now
                body()
                return (ContinuousClock.now - clock).seconds
            }.min()!
        }
        var evaluations = [Int]()
        let fromPositions = fastest { evaluations = network.evaluate(sample) }
        let batch = StockfishNetwork.Batch(sample)
        let fromFeatures = fastest { evaluations = network.evaluate(batch) }
        // Two cores: each evaluates every other slice of the batch.
        let slices = stride(from: 0, to: sample.count, by: 4_096).map { Array(sample[$0..<min($0 + 4_096, sample.count)]) }
        let sliceBatches = slices.map(StockfishNetwork.Batch.init)
        let twoCores = fastest { _ = parallelMap(sliceBatches.count, workers: 2, makeState: { _ in () }) { _, index in network.evaluate(sliceBatches[index]) } }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("nnue-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (name, values) in [("features", batch.features), ("counts", batch.counts), ("buckets", batch.buckets), ("ours", evaluations.map(Int32.init))] {
            try values.withUnsafeBytes { try Data($0).write(to: scratch.appendingPathComponent(name + ".i32")) }
        }
        let reference = try PythonReference.measure(python: python, script: Self.numpyReference, arguments: [path, scratch.path, String(rounds)],
                                                    expecting: 2, install: "pip install numpy")
        guard reference[1] == 0 else { throw ValidationError("the NumPy reference disagrees with us on \(Int(reference[1])) positions") }
        let rate = { (seconds: Double) in Double(sample.count) / seconds }
        print("implementation                     evaluations/s   vs NumPy")
        for (name, seconds) in [("ours, from positions (1 core)", fromPositions), ("ours, from features (1 core)", fromFeatures),
                                ("ours, from features (2 cores)", twoCores), ("NumPy, from features (1 core)", reference[0])] {
            print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: " %13.0f %9.1f×", rate(seconds), reference[0] / seconds))
        }
        print("NumPy's evaluations equal ours on all \(sample.count) positions.")
    }

    /// Stockfish 15.1's integer arithmetic, batched over positions and grouped by bucket.
    /// Prints the fastest round's seconds and how many evaluations differ from ours.
    static let numpyReference = #"""
import sys, time
import numpy as np

path, scratch, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
raw = open(path, "rb").read()
description = int.from_bytes(raw[8:12], "little")
offset = 12 + description + 4
def take(dtype, count):
    global offset
    values = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    offset += values.nbytes
    return values
FEATURES, HALF = 22528, 1024
ft_bias = take("<i2", HALF).astype(np.int32)
ft_weight = np.vstack([take("<i2", FEATURES * HALF).reshape(FEATURES, HALF), np.zeros((1, HALF), np.int16)])
psqt_weight = np.vstack([take("<i4", FEATURES * 8).reshape(FEATURES, 8), np.zeros((1, 8), np.int32)])
stacks = []
for _ in range(8):
    offset += 4
    stacks.append((take("<i4", 16), take("i1", 16 * 1024).reshape(16, 1024).astype(np.int32),
                   take("<i4", 32), take("i1", 32 * 32).reshape(32, 32).astype(np.int32),
                   take("<i4", 1), take("i1", 32).astype(np.int32)))
read = lambda name: np.fromfile(f"{scratch}/{name}.i32", dtype=np.int32)
features, counts, buckets, ours = read("features").reshape(-1, 2, 32), read("counts"), read("buckets"), read("ours")
# Unused slots point at the appended zero row.
features = np.where(np.arange(32)[None, None, :] < counts[:, None, None], features, FEATURES)

def truncate(numerator, denominator):
    return np.where(numerator >= 0, numerator // denominator, -((-numerator) // denominator))

def evaluate():
    n = len(counts)
    # The accumulators in chunks, so that the gathered rows stay a few hundred megabytes.
    accumulators = np.empty((n, 2, HALF), np.int16)
    for start in range(0, n, 512):
        rows = features[start:start + 512]
        accumulators[start:start + 512] = (ft_bias + ft_weight[rows].sum(axis=2, dtype=np.int32)).astype(np.int16)  # int16 wrap-around
    psqt_sums = psqt_weight[features].sum(axis=2)                                                 # [n, 2, 8]
    clipped = np.clip(accumulators.astype(np.int32), 0, 127)
    transformed = (clipped[:, :, :512] * clipped[:, :, 512:] // 128).reshape(n, 1024)
    result = np.empty(n, np.int64)
    for bucket in range(8):
        rows = np.nonzero(buckets == bucket)[0]
        if len(rows) == 0:
            continue
        b0, w0, b1, w1, b2, w2 = stacks[bucket]
        fc0 = transformed[rows] @ w0.T + b0
        squared = np.minimum(((fc0[:, :15].astype(np.int64) ** 2) >> 12) // 128, 127)
        hidden = np.concatenate([squared, np.clip(fc0[:, :15] >> 6, 0, 127), np.zeros((len(rows), 2), np.int64)], axis=1)
        fc1 = hidden @ w1.T + b1
        out = np.clip(fc1 >> 6, 0, 127) @ w2 + b2[0]
        positional = out + truncate(fc0[:, 15].astype(np.int64) * 9600, 8128)
        psqt = truncate(psqt_sums[rows, 0, bucket].astype(np.int64) - psqt_sums[rows, 1, bucket], 2)
        result[rows] = truncate(psqt + positional, 16)
    return result

best, values = float("inf"), None
for _ in range(rounds):
    start = time.perf_counter()
    values = evaluate()
    best = min(best, time.perf_counter() - start)
print(best, int((values != ours).sum()))
"""#
}
