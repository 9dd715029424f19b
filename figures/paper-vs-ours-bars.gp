# Paper versus ours: for each cell of a table, the paper's number and ours side by side as
# bars, with the standard deviation as error bars (0 where the paper gives none).
#
# Data (written by Reports.Gnuplot.paperVersusOurs): one line per cell,
# `"<label>" paper_mean paper_std ours_mean ours_std`, with `?` for a missing number.
#
# gnuplot -e "datafile='bars.dat'; outfile='bars.png'" [-e "plottitle='...'; ylabel='error (%)'"] \
#         figures/paper-vs-ours-bars.gp
if (!exists("datafile") || !exists("outfile")) {
    print "paper-vs-ours-bars.gp: set datafile and outfile with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("ylabel")) ylabel = ""

set terminal pngcairo noenhanced size 900,500 font "sans,11"
set output outfile
set title plottitle
set ylabel ylabel
set datafile missing "?"
set style data histogram
set style histogram errorbars gap 2 linewidth 1
set style fill solid 0.7 border -1
set boxwidth 0.9
set xtics rotate by -30 left
set yrange [0:*]
set grid ytics
# Above the plot, so a tall bar never runs under the key.
set key horizontal outside top center
plot datafile using 2:3:xtic(1) title "paper", '' using 4:5 title "ours"
