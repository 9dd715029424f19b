# Points in the plane, several series (e.g. the moons data by fold, generated samples and the
# means they were sampled around), each with its own colour and marker from the lists below.
#
# Data (written by Reports.Gnuplot.scatter): one block per series, blocks separated by two
# blank lines; each block starts with `"x" "<series name>"`, then one `x y` line per point.
#
# gnuplot -e "datafile='s.dat'; outfile='s.png'; nseries=4; xmin=-1.5; xmax=2.5; ymin=-1; ymax=1.5" \
#         [-e "plottitle='...'; colours='#d62728 #1f77b4'; markers='7 7'; sizes='0.5 0.5'"] figures/scatter.gp
if (!exists("datafile") || !exists("outfile") || !exists("nseries")) {
    print "scatter.gp: set datafile, outfile and nseries with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("colours")) colours = "#d62728 #1f77b4 #2ca02c #000000 #9467bd"
if (!exists("markers")) markers = "7 7 2 1 6"
if (!exists("sizes")) sizes = "0.6 0.6 0.6 0.8 0.6"
if (!exists("xlabel")) xlabel = "x1"
if (!exists("ylabel")) ylabel = "x2"

set terminal pngcairo noenhanced size 600,480 font "sans,11"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
if (exists("xmin")) set xrange [xmin:xmax]
if (exists("ymin")) set yrange [ymin:ymax]
set size ratio -1
set grid
set key outside bottom center horizontal
plot for [i=0:nseries-1] datafile index i using 1:2 with points pointtype int(word(markers, i + 1)) \
         pointsize real(word(sizes, i + 1)) lc rgb word(colours, i + 1) title columnheader(2)
