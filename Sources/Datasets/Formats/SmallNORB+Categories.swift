extension SmallNORB {
    /// The object category as an image classification set (anodm Tables 2 and 3: Small-NORB's
    /// five categories, one held out as anomalous, at 32×32×1): the left camera's image of each
    /// stereo pair, averaged over `factor`×`factor` blocks (96 / 3 = 32) and rounded to a byte.
    public func categoryImages(downsampledBy factor: Int = 3) -> LabeledImages {
        precondition(factor > 0 && 96 % factor == 0, "SmallNORB.categoryImages: 96 is not a multiple of \(factor)")
        let side = 96 / factor
        let blockArea = factor * factor
        var out = [UInt8](repeating: 0, count: count * side * side)
        for example in 0..<count {
            let stereoPair = example * 96 * 96 * 2
            for row in 0..<side {
                for column in 0..<side {
                    var sum = 0
                    for dy in 0..<factor {
                        for dx in 0..<factor {
                            // (row, column, camera) interleaved; camera 0 is the left one.
                            sum += Int(pixels[stereoPair + ((row * factor + dy) * 96 + column * factor + dx) * 2])
                        }
                    }
                    out[(example * side + row) * side + column] = UInt8((sum + blockArea / 2) / blockArea)
                }
            }
        }
        return LabeledImages(pixels: out, labels: factors.map(\.category), shape: [side, side, 1])
    }
}
