// swift-tools-version:6.0
// Reference reproduction of three VAE papers (see papers/). The targets are layered so the
// tree shows the architecture: system libraries → numeric core → layers → models → metrics →
// experiments → one executable per paper section.
import PackageDescription

/// Kernels are written with explicit bounds; release builds drop the checks that would
/// otherwise stop the loops from vectorising (measured in docs/DESIGN.md).
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

/// The dense layers' product tiles are written for sixteen-lane registers: on x86-64 their
/// module is compiled with AVX-512F, and `DenseProducts` calls it only where the processor has
/// it. Elsewhere it compiles without the flag and is never called.
#if arch(x86_64)
let avx512Settings: [SwiftSetting] = kernelSettings + [.unsafeFlags(["-Xcc", "-mavx512f"])]
#else
let avx512Settings: [SwiftSetting] = kernelSettings
#endif

let package = Package(
    name: "VAEReproductions",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fetch-data", targets: ["FetchData"]),
        .executable(name: "vae-bench", targets: ["VAEBench"]),
        .executable(name: "semisupervised-tables", targets: ["SemisupervisedTables"]),
        .executable(name: "decoder-regularizer", targets: ["DecoderRegularizer"]),
        .executable(name: "semiunsupervised-auc", targets: ["SemiunsupervisedAUC"]),
        .executable(name: "vabc-negative-generation", targets: ["VABCNegativeGeneration"]),
        .executable(name: "betavae-smallnorb", targets: ["BetavaeSmallnorb"]),
        .executable(name: "anodm-heatmaps", targets: ["AnoDMHeatmaps"]),
        .executable(name: "anodm-ecg", targets: ["AnoDMECG"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries, found with pkg-config (Debian: libopenblas-dev, libpng-dev, zlib1g-dev).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CFloatingPoint"),
        .systemLibrary(name: "CStreamingStores"),

        // Seeded random streams shared by data splits and training.
        .target(name: "Randomness", swiftSettings: kernelSettings),

        // The dense layers' matrix products in AVX-512 (used through TensorCore's DenseProducts).
        .target(name: "AVX512Products", dependencies: ["CStreamingStores"], swiftSettings: avx512Settings),

        // Numeric core: tensors, the BLAS bridge, differentiable primitives.
        .target(name: "TensorCore", dependencies: ["AVX512Products", "COpenBLAS", "CMalloc", "CFloatingPoint", "Randomness"],
                swiftSettings: kernelSettings),

        // Layers, losses, distributions and optimizers built on the core.
        .target(name: "NeuralLayers", dependencies: ["TensorCore", "Randomness"],
                swiftSettings: kernelSettings),

        // Model families: the semi-supervised VAE of Figure 1 (SS / ES / EU) and its architectures.
        .target(name: "VAEModels", dependencies: ["NeuralLayers", "TensorCore", "Randomness"],
                swiftSettings: kernelSettings),
        // Barnes-Hut t-SNE (van der Maaten 2014), trustworthiness and 2-D neighbour distances.
        .target(name: "Embedding", dependencies: ["TensorCore", "Randomness"], swiftSettings: kernelSettings),
        .target(name: "Metrics", dependencies: ["VAEModels", "NeuralLayers", "TensorCore", "Reports", "Randomness", "Datasets", "Embedding"], swiftSettings: kernelSettings),

        // Data sets: acquisition with checksums, parsers of the official formats, splits.
        .target(name: "Datasets",
                dependencies: ["CZlib", "Randomness", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: kernelSettings),

        // Experiment cells: configurations keyed by hash, the run store, shards, progress, provenance.
        .target(name: "Experiments",
                dependencies: ["Randomness", .product(name: "Crypto", package: "swift-crypto")]),
        // Report making: statistics, tables, gnuplot figures, PNG images, markdown reports.
        .target(name: "Reports", dependencies: ["Experiments", "CPNG"]),

        // The study kit every section is built on: run options, the section driver (cells →
        // CellRunner → report), data caches, random streams, batch plans and the adapter onto the
        // one training loop, batched inference, claim verdicts, the results index.
        .target(name: "StudyKit",
                dependencies: ["VAEModels", "Metrics", "NeuralLayers", "TensorCore", "Randomness", "Datasets", "Experiments", "Reports",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: kernelSettings),

        // Paper 1's classification study: the cells and reports of Tables 3, 4, 7 and 8.
        .target(name: "SemiSupervisedStudy",
                dependencies: ["StudyKit", "VAEModels", "NeuralLayers", "TensorCore", "Randomness", "Datasets", "Experiments", "Reports",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: kernelSettings),

        // Paper 1's semi-unsupervised study: held-out-class anomaly detection, generation, feedback.
        .target(name: "AnomalyStudy",
                dependencies: ["StudyKit", "Metrics", "VAEModels", "NeuralLayers", "TensorCore", "Randomness",
                               "Datasets", "Experiments", "Reports",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: kernelSettings),

        // Paper 3's V-ABC study: negative-unlabeled generation on the moons and MNIST, the CNN judge.
        .target(name: "VABCStudy",
                dependencies: ["StudyKit", "Metrics", "VAEModels", "NeuralLayers", "TensorCore", "Randomness",
                               "Datasets", "Experiments", "Reports",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: kernelSettings),

        // Paper 1's section 4: the betaVAE score against label budgets (Table 12, Table 16).
        .target(name: "DisentanglementStudy",
                dependencies: ["StudyKit", "Metrics", "VAEModels", "NeuralLayers", "TensorCore", "Randomness",
                               "Datasets", "Experiments", "Reports",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: kernelSettings),

        // One executable per paper section.
        .executableTarget(name: "SemisupervisedTables", dependencies: ["SemiSupervisedStudy", "StudyKit",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "DecoderRegularizer", dependencies: ["SemiSupervisedStudy", "StudyKit",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .executableTarget(name: "SemiunsupervisedAUC", dependencies: ["AnomalyStudy", "StudyKit",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .executableTarget(name: "VABCNegativeGeneration", dependencies: ["VABCStudy", "StudyKit",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .executableTarget(name: "BetavaeSmallnorb", dependencies: ["DisentanglementStudy", "StudyKit",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // anodm on images: β-VAE + t-SNE anomaly scores (Tables 1, 2; Figures 2, 3, 4, 8).
        .target(name: "AnoDMStudy",
                dependencies: ["StudyKit", "Metrics", "Embedding", "VAEModels", "NeuralLayers", "TensorCore", "Randomness",
                               "Datasets", "Experiments", "Reports",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: kernelSettings),
        .executableTarget(name: "AnoDMHeatmaps", dependencies: ["AnoDMStudy", "StudyKit",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // anodm on ECG heartbeats: TCN, CNN and LSTM encoders (Figures 2e, 5, 6, 8b; Table 2's Arrhythmia rows).
        .target(name: "AnoDMHeartbeatStudy",
                dependencies: ["AnoDMStudy", "StudyKit", "Metrics", "VAEModels", "NeuralLayers", "TensorCore", "Randomness",
                               "Datasets", "Experiments", "Reports",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: kernelSettings),
        .executableTarget(name: "AnoDMECG", dependencies: ["AnoDMHeartbeatStudy",
                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "FetchData",
                          dependencies: ["Datasets", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "VAEBench",
                          dependencies: ["VAEModels", "NeuralLayers", "TensorCore", "Datasets", "Embedding", "VABCStudy",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: kernelSettings),

        // The data mirror and scratch folder every section's smoke test sets up.
        .target(name: "SmokeTestSupport", path: "Tests/SmokeTestSupport"),

        // Depends on vae-bench so the start-up test of the OpenBLAS guard can run the executable.
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "AVX512Products", "Randomness", "VAEBench"]),
        .testTarget(name: "NeuralLayersTests", dependencies: ["NeuralLayers", "TensorCore", "Randomness"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "VAEModelsTests", dependencies: ["VAEModels", "NeuralLayers", "TensorCore", "Randomness"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "VAEModels", "NeuralLayers", "TensorCore", "Reports", "Randomness", "Datasets", "Embedding"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "EmbeddingTests", dependencies: ["Embedding", "TensorCore", "Randomness"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Experiments", "CPNG"]),
        .testTarget(name: "StudyKitTests", dependencies: ["StudyKit", "VAEModels", "NeuralLayers", "TensorCore", "Datasets", "Experiments",
                    "Reports", "Randomness"]),
        .testTarget(name: "SemiSupervisedStudyTests", dependencies: ["SmokeTestSupport", "SemiSupervisedStudy", "StudyKit", "Experiments", "Reports", "VAEModels", "Randomness",
                    .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "AnomalyStudyTests", dependencies: ["SmokeTestSupport", "AnomalyStudy", "StudyKit", "Metrics", "Experiments",
                    "Reports", "Datasets", "Randomness", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "VABCStudyTests", dependencies: ["SmokeTestSupport", "VABCStudy", "StudyKit", "Metrics", "Experiments", "Reports",
                    "Datasets", "Randomness", "VAEModels", "NeuralLayers", "TensorCore",
                    .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "DisentanglementStudyTests", dependencies: ["DisentanglementStudy", "StudyKit", "Metrics", "Experiments",
                    "Reports", "Datasets", "Randomness", "VAEModels", "TensorCore",
                    .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Paper 1's UCI-HAR cells (Tables 10, 11) end to end on a small set in the release's layout.
        .testTarget(name: "UCIHARCellsTests", dependencies: ["SemiSupervisedStudy", "AnomalyStudy", "StudyKit", "Datasets",
                    "Experiments"]),
        .testTarget(name: "AnoDMStudyTests", dependencies: ["SmokeTestSupport", "AnoDMStudy", "StudyKit", "Metrics", "Experiments", "Reports",
                    "Datasets", "Randomness", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "AnoDMHeartbeatStudyTests", dependencies: ["SmokeTestSupport", "AnoDMHeartbeatStudy", "AnoDMStudy", "StudyKit", "Experiments",
                    "Reports", "Datasets", "Randomness", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Randomness", "CZlib",
                                                     .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v5]
)
