import DataFiles
import Foundation
import Neural
import Testing

struct SafetensorsTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-\(name)").path
    }

    static let tensors: [String: Tensor] = [
        "block.conv.weight": GradientCheck.randomTensor([2, 3, 3, 3], seed: 1),
        "head.bias": Tensor(shape: [4], [1, -2.5, .pi, 0]),
        "scalar": Tensor(shape: [], [7]),
    ]

    @Test func roundTripKeepsValuesShapesAndMetadata() throws {
        let path = Self.temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Safetensors.write(Self.tensors, metadata: ["step": "120", "format": "pt"], to: path)
        let (tensors, metadata) = try Safetensors.read(from: path)
        #expect(tensors == Self.tensors)
        #expect(metadata == ["step": "120", "format": "pt"])
        // The header is padded so that the data starts 8-byte aligned.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Int(data[0]) % 8 == 0)
    }

    @Test(arguments: [Safetensors.Precision.float16, .bfloat16])
    func halfPrecisionRoundsToNearestAndReadsBackAsFloat32(precision: Safetensors.Precision) throws {
        let path = Self.temporaryPath("half.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let values: [Float] = [1, -2.5, 1.0 / 3, 65504, 1e-3, 0]
        try Safetensors.write(["x": Tensor(shape: [6], values)], precision: precision, to: path)
        let read = try Safetensors.read(from: path).tensors["x"]!
        // Nearest values by hand: 1/3 is 0x3555 in binary16 and 0x3EAB in bfloat16; 1e-3 is 0x1419 and 0x3A83.
        let expected: [Float] = precision == .float16
            ? [1, -2.5, Float(Float16(bitPattern: 0x3555)), 65504, Float(Float16(bitPattern: 0x1419)), 0]
            : [1, -2.5, Float(bitPattern: 0x3EAB_0000), 65536, Float(bitPattern: 0x3A83_0000), 0]
        #expect(read.storage == expected)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(size == 8 + Int(try Data(contentsOf: URL(fileURLWithPath: path))[0]) + 12)
    }

    @Test func truncatedAndCorruptFilesAreClearErrors() throws {
        let path = Self.temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Safetensors.write(Self.tensors, to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: path))
        #expect { _ = try Safetensors.read(from: path) } throws: { "\($0)".contains("truncated") }
        try data.prefix(5).write(to: URL(fileURLWithPath: path))
        #expect { _ = try Safetensors.read(from: path) } throws: { "\($0)".contains("too short") }
        var garbage = data
        garbage[8] = UInt8(ascii: "#")
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect { _ = try Safetensors.read(from: path) } throws: { "\($0)".contains("not a JSON object") }
        #expect { _ = try Safetensors.read(from: "/no/such.safetensors") } throws: { "\($0)".contains("cannot read") }
    }

    static let pythonHasSafetensors: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy, safetensors.numpy"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test(.enabled(if: pythonHasSafetensors, "needs python3 with numpy and safetensors (pip install numpy safetensors)"))
    func pythonSafetensorsReadsOurFile() throws {
        let path = Self.temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Safetensors.write(Self.tensors, metadata: ["step": "3"], to: path)
        let half = path + ".f16"
        defer { try? FileManager.default.removeItem(atPath: half) }
        try Safetensors.write(Self.tensors, precision: .float16, to: half)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sys
            from safetensors.numpy import load_file
            t = load_file(sys.argv[1])
            h = load_file(sys.argv[2])
            print(t["block.conv.weight"].shape, t["head.bias"].tolist(), t["scalar"].tolist(), h["head.bias"].dtype,
                  (h["block.conv.weight"] == t["block.conv.weight"].astype("float16")).all())
            """, path, half]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "(2, 3, 3, 3) [1.0, -2.5, 3.141592502593994, 0.0] 7.0 float16 True")
    }

    @Test func networkStateLoadsBackAndRejectsMismatches() throws {
        var random = SplitMix64(seed: 5)
        let network = Sequential("net", [Conv2D("conv", inChannels: 1, outChannels: 2, kernel: 3, random: &random), BatchNorm("bn", channels: 2)])
        var other = SplitMix64(seed: 6)
        let copy = Sequential("net", [Conv2D("conv", inChannels: 1, outChannels: 2, kernel: 3, random: &other), BatchNorm("bn", channels: 2)])
        try copy.load(network.state)
        #expect(copy.state == network.state)
        #expect(network.state.keys.sorted() == ["bn.bias", "bn.running_mean", "bn.running_var", "bn.weight", "conv.bias", "conv.weight"])
        var wrong = network.state
        wrong["conv.weight"] = Tensor(shape: [1])
        #expect { try copy.load(wrong) } throws: { "\($0)".contains("has shape [1]") }
        wrong["conv.weight"] = nil
        #expect { try copy.load(wrong) } throws: { "\($0)".contains("missing tensor 'conv.weight'") }
    }
}
