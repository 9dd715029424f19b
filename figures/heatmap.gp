# Heatmap: one coloured cell per (row, column) with its value printed in it; rows and columns
# are categories (e.g. β down, α across), labelled by the headers of the data file.
#
# Data (written by Reports.Gnuplot.heatmap): a matrix with row and column headers, gnuplot's
# `matrix rowheaders columnheaders` layout: the first line is `"<corner>" "<column 1>" …`, each
# further line `"<row label>" v1 v2 …`; NaN marks a cell without a value (drawn blank).
#
# gnuplot -e "datafile='h.dat'; outfile='h.png'; ncolumns=16; nrows=8" \
#         [-e "plottitle='...'; xlabel='α'; ylabel='β'; cblabel='AUROC'; cbmin=0.5; cbmax=1; digits=2"] figures/heatmap.gp
if (!exists("datafile") || !exists("outfile") || !exists("ncolumns") || !exists("nrows")) {
    print "heatmap.gp: set datafile, outfile, ncolumns and nrows with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("xlabel")) xlabel = ""
if (!exists("ylabel")) ylabel = ""
if (!exists("cblabel")) cblabel = ""
if (!exists("digits")) digits = 2
labelformat = sprintf("%%.%df", digits)

set terminal pngcairo noenhanced size (160 + 52 * ncolumns), (150 + 30 * nrows) font "sans,10"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
set cblabel cblabel
set xrange [-0.5:ncolumns - 0.5]
set yrange [-0.5:nrows - 0.5]
set tics out nomirror
set xtics rotate by 45 right
set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21918c", 0.75 "#5ec962", 1 "#fde725")
unset key
# The colour range is cbmin…cbmax when given, else the data's; labels are light on the dark
# half of the palette and dark on the light half. NaN cells stay blank and unlabelled.
stats datafile matrix rowheaders columnheaders using 3 nooutput
low = exists("cbmin") ? cbmin : STATS_min
high = exists("cbmax") ? cbmax : STATS_max
if (high <= low) high = low + 1
set cbrange [low:high]
middle = (low + high) / 2
plot datafile matrix rowheaders columnheaders using 1:2:3 with image, \
     datafile matrix rowheaders columnheaders \
         using 1:2:($3 == $3 ? sprintf(labelformat, $3) : ""):($3 < middle ? 0xffffff : 0x000000) \
         with labels textcolor rgb variable font ",8"
