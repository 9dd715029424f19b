# Ellipses, one colour per series (e.g. an encoder's μ ± 2σ per training image, per digit).
#
# Data (written by Reports.Gnuplot.ellipses): one block per series, blocks separated by two
# blank lines; each block starts with `"x" "<series name>" "width" "height"`, then one
# `x y width height` line per ellipse (full axes, axis-aligned).
#
# gnuplot -e "datafile='e.dat'; outfile='e.png'; nseries=10" [-e "plottitle='...'; xlabel='z1'; ylabel='z2'"] figures/ellipses.gp
if (!exists("datafile") || !exists("outfile") || !exists("nseries")) {
    print "ellipses.gp: set datafile, outfile and nseries with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("xlabel")) xlabel = "z1"
if (!exists("ylabel")) ylabel = "z2"
# Ten distinguishable colours (matplotlib's tab10), one per series.
colours = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf"

set terminal pngcairo noenhanced size 900,700 font "sans,11"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
set size ratio -1
set grid
set key outside right top
set style fill transparent solid 0.08 border
plot for [i=0:nseries-1] datafile index i using 1:2:3:4 with ellipses lc rgb word(colours, (i % 10) + 1) title columnheader(2)
