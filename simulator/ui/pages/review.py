from simulator.ui.review_page import render

render()
