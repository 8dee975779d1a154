# Three bivariate cases of lengths 3, 2 and 4, labelled.
@problemName Tiny
@timeStamps false
@univariate false
@dimensions 2
@equalLength false
@classLabel true up down
@data
1,2,3:10,20,30:up
3.5,2:-1,-2:down
0,0,0,1e3:1,1,1,1:up
