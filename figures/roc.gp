# ROC curves: true positive rate against false positive rate, one curve per series, with the
# chance diagonal. Put the AUC in the series name when it should show in the key.
#
# Data (written by Reports.Gnuplot.roc): one block per curve, blocks separated by two blank
# lines; each block starts with the header line `"false positive rate" "<curve name>"`, then
# one `fpr tpr` line per threshold, in order.
#
# gnuplot -e "datafile='roc.dat'; outfile='roc.png'; ncurves=2" [-e "plottitle='...'"] figures/roc.gp
if (!exists("datafile") || !exists("outfile") || !exists("ncurves")) {
    print "roc.gp: set datafile, outfile and ncurves with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""

set terminal pngcairo noenhanced size 600,600 font "sans,11"
set output outfile
set title plottitle
set xlabel "false positive rate"
set ylabel "true positive rate"
set xrange [0:1]
set yrange [0:1]
set size ratio 1
set grid
set key bottom right
plot for [i=0:ncurves-1] datafile index i using 1:2 with lines linewidth 2 title columnheader(2), \
     x with lines dashtype 2 linecolor rgb "gray50" title "chance"
