import ArgumentParser
import Chess
import ChessModel
import DataFiles
import Foundation
import Neural

struct TrainingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput of the chess network (forward + backward + Adam) beside PyTorch on CPU, with the convolution and GEMM GFLOP/s beside the machine's multiply-add ceiling.")

    @Option(help: "Batch size.")
    var batch = 256

    @Option(help: "Timed training steps per round.")
    var steps = 8

    @Option(help: "Rounds per measurement; the median round is reported (a shared VM's neighbours slow single rounds).")
    var rounds = 5

    @Option(help: "Threads for PyTorch (ours uses every core).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "The Python interpreter with torch installed (pip install torch==2.13.0+cpu).")
    var python = "python3"

    @Option(help: "Networks to time, as BLOCKSxCHANNELS: the issue's reference network, the shipped model's and a small one.")
    var architectures = "6x64,4x48,4x32"

    @Flag(help: "Time only our network (for profiling).")
    var oursOnly = false

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let peak = KernelMachine.peakGigaflops(cores: cores)
        print("kernels: \(KernelMachine.vectorLevel); multiply-add ceiling \(String(format: "%.0f", KernelMachine.peakGigaflops(cores: 1))) GFLOP/s on 1 core, \(String(format: "%.0f", peak)) on \(cores)")
        print("OpenBLAS kernel: \(BLAS.coreName)" + (ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (forced by OPENBLAS_CORETYPE=\($0))" } ?? ""))
        measureGEMM(peak: peak)
        measureConvolution(peak: peak)
        let (planes, masks, moves, results) = makeBatch()
        print("training step, batch \(batch), \(threads) threads; median of \(rounds) rounds of \(steps) steps (best in brackets)")
        print("architecture   ours pos/s        PyTorch pos/s     ratio")
        for architecture in try parsedArchitectures() {
            let ours = measureOurs(architecture, planes: planes, masks: masks, moves: moves, results: results)
            let theirs = oursOnly ? [.nan] : try measurePyTorch(architecture)
            print("\(architecture.blocks) × \(architecture.channels)".padding(toLength: 14, withPad: " ", startingAt: 0)
                  + String(format: " %6.0f (%6.0f)  %6.0f (%6.0f)  %7.2f", median(ours), ours.max()!, median(theirs), theirs.max()!,
                           median(ours) / median(theirs)))
        }
    }

    private func measureGEMM(peak: Double) {
        for (m, n, k) in [(batch * 64, 64, 576), (1024, 1024, 1024)] {
            let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
            var c = [Float](repeating: 0, count: m * n)
            var best = Double.infinity
            for _ in 0..<5 {
                let start = ContinuousClock.now
                BLAS.gemm(a, b, &c, m: m, n: n, k: k)
                best = min(best, (ContinuousClock.now - start).seconds)
            }
            let rate = 2 * Double(m * n * k) / best / 1e9
            print(String(format: "OpenBLAS GEMM %d×%d×%d: %.0f GFLOP/s (%.0f%% of the ceiling)", m, n, k, rate, 100 * rate / peak))
        }
    }

    /// One tower convolution (3×3, 64 → 64 on 8×8 boards) forward and backward, counted as
    /// the direct sum's multiply-adds: above the ceiling is possible, as Winograd does fewer.
    private func measureConvolution(peak: Double) {
        var random = SplitMix64(seed: 3)
        let conv = Conv2D("conv", inChannels: 64, outChannels: 64, kernel: 3, bias: false, random: &random)
        let input = Tensor(shape: [batch, 8, 8, 64], (0..<(batch * 4096)).map { _ in Float(random.nextUnit()) - 0.5 })
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            _ = conv.backward(conv.forward(input, mode: .training))
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        let rate = 3 * 2 * Double(batch * 64 * 576 * 64) / best / 1e9
        print(String(format: "3×3 convolution 64→64, batch %d, forward + both gradients: %.0f GFLOP/s direct-equivalent (%.0f%% of the ceiling)",
                     batch, rate, 100 * rate / peak))
    }

    /// A batch of real positions from seeded random games, with legal masks and targets.
    private func makeBatch() -> (Tensor, Tensor, [Int], [Int]) {
        var random = SplitMix64(seed: 9)
        var positions = [Position](), moves = [Int](), results = [Int]()
        while positions.count < batch {
            var position = Position.start
            for _ in 0..<Int(random.next() % 60) {
                let legal = position.legalMoves
                guard !legal.isEmpty else { break }
                position.play(legal[Int(random.next() % UInt64(legal.count))])
            }
            let legal = position.legalMoves
            guard !legal.isEmpty else { continue }
            positions.append(position)
            moves.append(MoveIndex.index(of: legal[Int(random.next() % UInt64(legal.count))], in: position))
            results.append(Int(random.next() % 3))
        }
        var masks = Tensor(shape: [batch, MoveIndex.count])
        masks.storage.withUnsafeMutableBufferPointer { buffer in
            for (index, position) in positions.enumerated() {
                MoveIndex.legalMask(position, into: UnsafeMutableBufferPointer(rebasing: buffer[(index * MoveIndex.count)..<((index + 1) * MoveIndex.count)]))
            }
        }
        return (BoardEncoder.encode(positions), masks, moves, results)
    }

    private func parsedArchitectures() throws -> [PolicyValueNetwork.Architecture] {
        try architectures.split(separator: ",").map { item in
            let parts = item.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--architectures: '\(item)' is not BLOCKSxCHANNELS (e.g. 6x64)")
            }
            return PolicyValueNetwork.Architecture(blocks: parts[0], channels: parts[1])
        }
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Positions per second of each round.
    private func measureOurs(_ architecture: PolicyValueNetwork.Architecture, planes: Tensor, masks: Tensor, moves: [Int], results: [Int]) -> [Double] {
        let network = PolicyValueNetwork(architecture, seed: 1)
        let optimizer = Adam(learningRate: 1e-3)
        func step() {
            network.zeroGradients()
            let (policy, value) = network.forward(planes, mode: .training)
            let policyLoss = Loss.softmaxCrossEntropy(logits: policy, targets: moves, mask: masks)
            let valueLoss = Loss.softmaxCrossEntropy(logits: value, targets: results)
            network.backward(policy: policyLoss.gradient, value: valueLoss.gradient)
            optimizer.step(network.parameters)
        }
        step()
        return (0..<max(1, rounds)).map { _ in
            let start = ContinuousClock.now
            for _ in 0..<steps { step() }
            return Double(batch * steps) / (ContinuousClock.now - start).seconds
        }
    }

    private func measurePyTorch(_ architecture: PolicyValueNetwork.Architecture) throws -> [Double] {
        let script = """
            import sys, time, torch, torch.nn as nn, torch.nn.functional as F
            blocks, channels, batch, steps, threads, rounds = map(int, sys.argv[1:7])
            torch.set_num_threads(threads); torch.manual_seed(0)
            class Block(nn.Module):
                def __init__(s, c):
                    super().__init__()
                    s.c1 = nn.Conv2d(c, c, 3, padding=1, bias=False); s.b1 = nn.BatchNorm2d(c)
                    s.c2 = nn.Conv2d(c, c, 3, padding=1, bias=False); s.b2 = nn.BatchNorm2d(c)
                def forward(s, x):
                    return F.relu(x + s.b2(s.c2(F.relu(s.b1(s.c1(x))))))
            class Net(nn.Module):
                def __init__(s, c, n):
                    super().__init__()
                    s.stem = nn.Sequential(nn.Conv2d(20, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU())
                    s.tower = nn.Sequential(*[Block(c) for _ in range(n)])
                    s.policy = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, 73, 1), nn.Flatten())
                    s.value = nn.Sequential(nn.Conv2d(c, 2, 1, bias=False), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 3))
                def forward(s, x):
                    t = s.tower(s.stem(x))
                    return s.policy(t), s.value(t)
            net = Net(channels, blocks); opt = torch.optim.Adam(net.parameters(), 1e-3)
            x = torch.randn(batch, 20, 8, 8); mask = torch.rand(batch, 4672) < 0.01
            moves = torch.randint(0, 4672, (batch,)); mask[torch.arange(batch), moves] = True
            results = torch.randint(0, 3, (batch,))
            def step():
                opt.zero_grad()
                p, v = net(x)
                loss = F.cross_entropy(p.masked_fill(~mask, -1e9), moves) + F.cross_entropy(v, results)
                loss.backward(); opt.step()
            step()
            for _ in range(rounds):
                start = time.perf_counter()
                for _ in range(steps): step()
                print(batch * steps / (time.perf_counter() - start))
            """
        return try PythonReference.measure(python: python, script: script,
                                           arguments: [architecture.blocks, architecture.channels, batch, steps, threads, max(1, rounds)].map(String.init),
                                           expecting: max(1, rounds), install: "pip install torch==2.13.0+cpu")
    }
}
