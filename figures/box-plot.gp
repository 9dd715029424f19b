# Box plots: one box per group of values (e.g. the negative generation error over seeds and
# folds), boxes coloured by `colourof` (an index per box into a palette), so pairs such as
# VAE / V-ABC keep their colour across groups.
#
# Data (written by Reports.Gnuplot.boxPlot): one block per box, blocks separated by two blank
# lines; each block starts with the header line `"value" "<box name>"`, then one value a line.
#
# gnuplot -e "datafile='nge.dat'; outfile='nge.png'; nboxes=2; xticsdef='set xtics (...)'" \
#         -e "colours='1 2'; legend='VAE|V-ABC'; plottitle='...'; xlabel=''; ylabel='...'; logy=0" figures/box-plot.gp
if (!exists("datafile") || !exists("outfile") || !exists("nboxes") || !exists("xticsdef")) {
    print "box-plot.gp: set datafile, outfile, nboxes and xticsdef with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("xlabel")) xlabel = ""
if (!exists("ylabel")) ylabel = ""
if (!exists("logy")) logy = 0
if (!exists("colours")) colours = ""
if (!exists("legendone")) legendone = ""
if (!exists("legendtwo")) legendtwo = ""

palette = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e"
colour(i) = (words(colours) >= i + 1) ? word(palette, int(word(colours, i + 1))) : word(palette, 1)
colourindex(i) = (words(colours) >= i + 1) ? int(word(colours, i + 1)) : 1

set terminal pngcairo noenhanced size 900,500 font "sans,11"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
if (logy) set logscale y
set grid ytics
set style fill solid 0.35 border -1
set style boxplot outliers pointtype 7
set style data boxplot
set boxwidth 0.5
set xrange [0.3:nboxes + 0.7]
eval xticsdef
set key outside right top
# The legend names colours 1 and 2 (`legendone`, `legendtwo`) once each.
plot for [i=0:nboxes-1] datafile index i using (i + 1):1 lc rgb colour(i) \
         title ((colourindex(i) == 1 && legendone ne "" && i == 0) ? legendone : \
                (colourindex(i) == 2 && legendtwo ne "" && i == 1) ? legendtwo : "")
