# Scatter of 2-D points coloured by group (e.g. a t-SNE map coloured by class), one group
# drawn on top in black crosses (e.g. the anomalous class). Axes carry no units (a map's
# coordinates have no meaning beyond their distances), so their tics are hidden.
#
# Data (written by Reports.Gnuplot.classScatter): one block per group, blocks separated by two
# blank lines; each block starts with `"x" "<group name>"`, then one `x y` line per point.
#
# gnuplot -e "datafile='m.dat'; outfile='m.png'; ngroups=10; highlight=7" [-e "plottitle='...'"] figures/class-scatter.gp
if (!exists("datafile") || !exists("outfile") || !exists("ngroups")) {
    print "class-scatter.gp: set datafile, outfile and ngroups with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("highlight")) highlight = -1

set terminal pngcairo noenhanced size 640,560 font "sans,10"
set output outfile
set title plottitle
unset xtics
unset ytics
set border 15 linecolor rgb "gray60"
set key outside right top
set size ratio -1
colours = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf"
plot for [i=0:ngroups-1] datafile index i using 1:2 \
         with points pointtype 7 pointsize 0.3 linecolor rgb word(colours, i % 10 + 1) \
         title (i == highlight ? "" : columnheader(2)), \
     (highlight >= 0 ? datafile : 1/0) index (highlight >= 0 ? highlight : 0) using 1:2 \
         with points pointtype 2 pointsize 0.5 linecolor rgb "black" title (highlight >= 0 ? columnheader(2) : "")
