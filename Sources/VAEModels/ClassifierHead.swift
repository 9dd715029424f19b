/// One softmax classifier π on the encoder's top layer, with its own labels and mask: paper
/// 1's single π (Figure 1), or one of Small-NORB's four factor heads (section 4, Table 16),
/// each trained only on the points labelled for its factor.
public struct ClassifierHead: Equatable, Sendable, Codable {
    public var name: String
    public var classCount: Int
    /// Whether the decoder reads softmax(π) of this head next to z (paper 1's eq. 2). The
    /// factor heads of section 4 do not: the decoder would bypass the latent layer.
    public var feedsDecoder: Bool

    public init(name: String, classCount: Int, feedsDecoder: Bool) {
        precondition(classCount >= 1, "ClassifierHead \(name): needs at least one class")
        self.name = name
        self.classCount = classCount
        self.feedsDecoder = feedsDecoder
    }
}
