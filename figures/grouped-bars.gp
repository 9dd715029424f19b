# Grouped bars: for each group (e.g. a held-out class), one bar per series (e.g. an encoder),
# with the standard deviation as error bars, and an optional dashed reference line (chance).
#
# Data (written by Reports.Gnuplot.groupedBars): a header line `"group" "<series 1>" "std" ...`,
# then one line per group, `"<label>" mean_1 std_1 mean_2 std_2 ...`, `?` for a missing number.
#
# gnuplot -e "datafile='bars.dat'; outfile='bars.png'; nseries=3" \
#         [-e "plottitle='...'; xlabel='...'; ylabel='AUROC'; ymin=0; ymax=1; reference=0.5"] figures/grouped-bars.gp
if (!exists("datafile") || !exists("outfile") || !exists("nseries")) {
    print "grouped-bars.gp: set datafile, outfile and nseries with -e"
    exit status 2
}
if (!exists("plottitle")) plottitle = ""
if (!exists("xlabel")) xlabel = ""
if (!exists("ylabel")) ylabel = ""

set terminal pngcairo noenhanced size 900,500 font "sans,11"
set output outfile
set title plottitle
set xlabel xlabel
set ylabel ylabel
set datafile missing "?"
set style data histogram
set style histogram errorbars gap 2 linewidth 1
set style fill solid 0.75 border -1
set boxwidth 0.9
set grid ytics
if (exists("ymin") && exists("ymax")) { set yrange [ymin:ymax] } else { set yrange [0:*] }
if (exists("reference")) { set arrow from graph 0, first reference to graph 1, first reference nohead dashtype 2 linewidth 1.5 front }
# Above the plot, so a tall bar never runs under the key.
set key horizontal outside top center
plot for [i=0:nseries-1] datafile using (column(2 + 2*i)):(column(3 + 2*i)):xtic(1) title columnheader(2 + 2*i)
