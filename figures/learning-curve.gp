# Learning curves: one line per series (e.g. train and validation loss), value against epoch.
#
# Data (written by Reports.Gnuplot.learningCurve): one block per series, blocks separated by
# two blank lines; each block starts with the header line `"epoch" "<series name>"`, then
# one `epoch value` line per epoch.
#
# gnuplot -e "datafile='curve.dat'; outfile='curve.png'; nseries=2" \
#         [-e "plottitle='...'; xlabel='epoch'; ylabel='loss'; logy=1"] figures/learning-curve.gp
if (!exists("datafile") || !exists("outfile") || !exists("nseries")) {
    print "learning-curve.gp: set datafile, outfile and nseries with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("xlabel")) xlabel = "epoch"
if (!exists("ylabel")) ylabel = ""
if (!exists("logy")) logy = 0

set terminal pngcairo noenhanced size 800,500 font "sans,11"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
if (logy) set logscale y
set grid
# Below the plot: curves that end at the top of the range stay visible.
set key below
plot for [i=0:nseries-1] datafile index i using 1:2 with linespoints pointsize 0.6 title columnheader(2)
