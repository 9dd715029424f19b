# Lines with error bars: one line per series of (x, mean, standard deviation) points, e.g.
# accuracy against the number of labels, with the spread over seeds as bars.
#
# Data (written by Reports.Gnuplot.linesWithErrorBars): one block per series, blocks
# separated by two blank lines; each block starts with the header line
# `"x" "<series name>" "std"`, then one `x mean std` line per point.
#
# gnuplot -e "datafile='acc.dat'; outfile='acc.png'; nseries=3" \
#         [-e "plottitle='...'; xlabel='labels'; ylabel='accuracy'; logx=1"] figures/line-with-errorbars.gp
if (!exists("datafile") || !exists("outfile") || !exists("nseries")) {
    print "line-with-errorbars.gp: set datafile, outfile and nseries with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("xlabel")) xlabel = ""
if (!exists("ylabel")) ylabel = ""
if (!exists("logx")) logx = 0

set terminal pngcairo noenhanced size 900,500 font "sans,11"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
if (logx) set logscale x
set grid
# The key sits outside the plot so it never hides a point; the x range is the data's own
# (no rounding out to the next tic) plus a small margin.
set key outside right top
set autoscale xfix
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
plot for [i=0:nseries-1] datafile index i using 1:2:3 with yerrorlines pointsize 0.8 title columnheader(2)
