/// The Barnes-Hut quadtree of a 2-D embedding (van der Maaten 2014, section 4.2), rebuilt
/// every iteration into arrays allocated once (grown only when a map needs more cells).
///
/// Building: each cell is a square; an internal cell has four children stored next to each other
/// (`firstChild ..< firstChild + 4`: lower-left, lower-right, upper-left, upper-right), a leaf
/// has `firstChild == -1` and holds one point, or several at exactly the same position (their
/// count is the leaf's mass). The fields the force pass reads for one cell — centre of mass,
/// mass, squared width — sit together in `summaries` (stride 4), so a visit touches one cache
/// line; the geometry needed only while building (cell centres, half widths) lives in separate
/// arrays. Walking: the non-empty cells are then copied in depth-first preorder (`packed`,
/// `skips`), which the force pass scans forwards without a stack (measured about 10 % less CPU
/// time than a walk with an explicit stack over the build arrays, same results bit for bit).
struct QuadTree {
    /// `[comX, comY, mass, width²]` per cell.
    private(set) var summaries: [Double] = []
    /// Index of the first of the four children, or -1 for a leaf.
    private(set) var firstChild: [Int32] = []
    private var cellCentres: [Double] = []      // [cx, cy] per cell
    private var halfWidths: [Double] = []
    private(set) var cellCount = 0

    /// The non-empty cells again, in depth-first preorder (children in order 0–3), as the force
    /// pass reads them: `packed` `[comX, comY, mass, width²]` per cell and `skips`, the position
    /// just after each cell's subtree. A walk is then a forward scan — the next cell is
    /// `position + 1` to open a cell, `skips[position]` to take its summary — with no stack,
    /// and a cell is a leaf exactly when `skips[position] == position + 1`.
    private(set) var packed: [Double] = []
    private(set) var skips: [Int32] = []
    private(set) var packedCount = 0
    private var subtreeSizes: [Int32] = []
    private var positions: [Int32] = []

    /// Cells are split at most this many times; deeper points (closer than 2⁻⁴⁸ of the map's
    /// width but not equal) share a leaf, as if they coincided.
    static let maximumDepth = 48

    /// Rebuilds the tree over `positions` `[n, 2]`, inserting the points in `order` (a spatial
    /// order keeps neighbouring cells near each other in memory).
    mutating func rebuild(positions y: UnsafePointer<Double>, order: UnsafeBufferPointer<Int32>) {
        let n = order.count
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, y[2 * i]); maxX = max(maxX, y[2 * i])
            minY = min(minY, y[2 * i + 1]); maxY = max(maxY, y[2 * i + 1])
        }
        // At most 4 new cells per inserted point above the first; grow by whole splits.
        if firstChild.count < 4 * n + 1 { reserve(4 * n + 1) }
        cellCount = 0
        let half = max(maxX - minX, maxY - minY, 1e-12) * 0.5 * (1 + 1e-6)
        addCell(centreX: (minX + maxX) / 2, centreY: (minY + maxY) / 2, halfWidth: half)
        for i in order { insert(y[2 * Int(i)], y[2 * Int(i) + 1]) }
        pack()
    }

    /// Lays the non-empty cells out in preorder. Children are always created after their
    /// parent, so sizes come from one backward sweep and positions from one forward sweep.
    private mutating func pack() {
        if subtreeSizes.count < cellCount {
            subtreeSizes = [Int32](repeating: 0, count: firstChild.count)
            positions = [Int32](repeating: 0, count: firstChild.count)
        }
        for cell in stride(from: cellCount - 1, through: 0, by: -1) {
            var size: Int32 = summaries[4 * cell + 2] > 0 ? 1 : 0
            let first = Int(firstChild[cell])
            if first >= 0 { for child in first..<(first + 4) { size += subtreeSizes[child] } }
            subtreeSizes[cell] = size
        }
        packedCount = Int(subtreeSizes[0])
        if packed.count < 4 * packedCount {
            packed = [Double](repeating: 0, count: 4 * firstChild.count)
            skips = [Int32](repeating: 0, count: firstChild.count)
        }
        positions[0] = 0
        for cell in 0..<cellCount where subtreeSizes[cell] > 0 {
            let position = Int(positions[cell])
            for field in 0..<4 { packed[4 * position + field] = summaries[4 * cell + field] }
            skips[position] = Int32(position) + subtreeSizes[cell]
            let first = Int(firstChild[cell])
            guard first >= 0 else { continue }
            var next = Int32(position) + 1
            for child in first..<(first + 4) where subtreeSizes[child] > 0 {
                positions[child] = next
                next += subtreeSizes[child]
            }
        }
    }

    private mutating func reserve(_ cells: Int) {
        summaries = [Double](repeating: 0, count: 4 * cells)
        firstChild = [Int32](repeating: -1, count: cells)
        cellCentres = [Double](repeating: 0, count: 2 * cells)
        halfWidths = [Double](repeating: 0, count: cells)
    }

    private mutating func addCell(centreX: Double, centreY: Double, halfWidth: Double) {
        let cell = cellCount
        cellCount += 1
        summaries[4 * cell] = 0; summaries[4 * cell + 1] = 0; summaries[4 * cell + 2] = 0
        summaries[4 * cell + 3] = 4 * halfWidth * halfWidth
        firstChild[cell] = -1
        cellCentres[2 * cell] = centreX; cellCentres[2 * cell + 1] = centreY
        halfWidths[cell] = halfWidth
    }

    /// Adds one point: every cell on its path gains one unit of mass and moves its centre of
    /// mass towards it; a leaf holding another point is split until the two separate.
    private mutating func insert(_ px: Double, _ py: Double) {
        var cell = 0, depth = 0
        while true {
            let mass = summaries[4 * cell + 2]
            if firstChild[cell] < 0 {
                if mass == 0 {
                    summaries[4 * cell] = px; summaries[4 * cell + 1] = py; summaries[4 * cell + 2] = 1
                    return
                }
                let samePlace = summaries[4 * cell] == px && summaries[4 * cell + 1] == py
                if samePlace || depth >= QuadTree.maximumDepth {
                    addMass(cell, px, py)
                    return
                }
                split(cell)
            }
            addMass(cell, px, py)
            cell = Int(firstChild[cell]) + quadrant(of: cell, px, py)
            depth += 1
        }
    }

    @inline(__always) private mutating func addMass(_ cell: Int, _ px: Double, _ py: Double) {
        let mass = summaries[4 * cell + 2] + 1
        summaries[4 * cell] += (px - summaries[4 * cell]) / mass
        summaries[4 * cell + 1] += (py - summaries[4 * cell + 1]) / mass
        summaries[4 * cell + 2] = mass
    }

    @inline(__always) private func quadrant(of cell: Int, _ px: Double, _ py: Double) -> Int {
        (px > cellCentres[2 * cell] ? 1 : 0) + (py > cellCentres[2 * cell + 1] ? 2 : 0)
    }

    /// Turns a leaf into an internal cell: its points (one position, some mass) move to the
    /// child that contains them; the cell keeps its summary.
    private mutating func split(_ cell: Int) {
        if cellCount + 4 > firstChild.count { grow() }
        let first = cellCount
        let cx = cellCentres[2 * cell], cy = cellCentres[2 * cell + 1], quarter = halfWidths[cell] / 2
        for child in 0..<4 {
            addCell(centreX: cx + (child & 1 == 1 ? quarter : -quarter),
                    centreY: cy + (child & 2 == 2 ? quarter : -quarter), halfWidth: quarter)
        }
        firstChild[cell] = Int32(first)
        let child = first + quadrant(of: cell, summaries[4 * cell], summaries[4 * cell + 1])
        for field in 0..<3 { summaries[4 * child + field] = summaries[4 * cell + field] }
    }

    private mutating func grow() {
        let cells = firstChild.count * 2
        summaries += [Double](repeating: 0, count: 4 * cells - summaries.count)
        firstChild += [Int32](repeating: -1, count: cells - firstChild.count)
        cellCentres += [Double](repeating: 0, count: 2 * cells - cellCentres.count)
        halfWidths += [Double](repeating: 0, count: cells - halfWidths.count)
    }
}
