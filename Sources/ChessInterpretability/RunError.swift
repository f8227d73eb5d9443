/// Why a chess run could not start or finish. Settings are named as in the runs'
/// `Settings` (`projectionDimension`, `layer`); the command line maps them to its flags.
package enum RunError: Error, CustomStringConvertible {
    /// A setting whose value the run cannot use, and what it must be.
    case invalidSetting(_ name: String, value: String, requirement: String)
    /// A setting whose value could not be read (a FEN, a concept name), with the reader's error.
    case unreadableSetting(_ name: String, underlying: any Error)
    /// The model directory has no checkpoint at `step` (`nil`: none at all).
    case missingCheckpoint(model: String, step: Int?, saved: [Int])
    /// A file the run reads (a model, a probe) could not be read.
    case unreadableFile(_ path: String, underlying: any Error)
    /// The positions drawn do not support the analysis asked for.
    case insufficientData(String)
    /// A numerical step failed on this data (a singular kernel, an unfittable probe).
    case numerical(String)

    package var description: String { message(naming: { $0 }) }

    /// The message with each setting written by `name` (its own name, or a command-line flag).
    package func message(naming name: (String) -> String) -> String {
        switch self {
        case .invalidSetting(let setting, let value, let requirement):
            "\(name(setting)) \(value): \(requirement)"
        case .unreadableSetting(let setting, let underlying):
            "\(name(setting)): \(underlying)"
        case .missingCheckpoint(let model, let step, let saved):
            step.map { "\(model) has no checkpoint at step \($0); saved: \(saved.map(String.init).joined(separator: ", "))" }
                ?? "\(model) holds no checkpoint (step-*.safetensors)"
        case .unreadableFile(let path, let underlying):
            "\(path): \(underlying)"
        case .insufficientData(let reason), .numerical(let reason):
            reason
        }
    }

    /// The setting the error is about, when it is about one.
    package var setting: String? {
        switch self {
        case .invalidSetting(let name, _, _), .unreadableSetting(let name, _): name
        default: nil
        }
    }
}
