# A vector field over a grid (e.g. −∂loss/∂x of V-ABC), arrows scaled to a common maximum
# length, over the data points of two folds.
#
# Data (written by Reports.Gnuplot.vectorField): block 0 the arrows `x y dx dy` (already
# scaled), blocks 1 and 2 the points of each fold `x y`; every block starts with a header line.
#
# gnuplot -e "datafile='f.dat'; outfile='f.png'" [-e "plottitle='...'"] figures/vector-field.gp
if (!exists("datafile") || !exists("outfile")) {
    print "vector-field.gp: set datafile and outfile with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""

set terminal pngcairo noenhanced size 640,480 font "sans,11"
set output outfile
set title plottitle
set xlabel "x1"
set ylabel "x2"
set size ratio -1
set grid
set key outside bottom center horizontal
plot datafile index 1 using 1:2 with points pointtype 7 pointsize 0.5 lc rgb "#d62728" title columnheader(2), \
     datafile index 2 using 1:2 with points pointtype 7 pointsize 0.5 lc rgb "#1f77b4" title columnheader(2), \
     datafile index 0 using 1:2:3:4 with vectors head size 0.04,20 filled lc rgb "#333333" title columnheader(2)
