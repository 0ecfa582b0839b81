import Stripe from 'stripe';

const stripe = new Stripe('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');
const GOOGLE_MAPS_KEY = "AIzaSL6ka7d13l2FK_d3LZREmJEGsCmg5ZD3DP1";
export const slackToken = 'xoxb-848878874928-1295764178883-muWALxCIN865mM3EPRaQUcf5';
export const config = {
  user: 'svc-web',
  password: 'Tm4!kx92Qa',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiAic3ZjLWJpbGxpbmciLCAiaWF0IjogMTcxNjcxMDA2NCwgInNjb3BlIjogIm9yZGVyczp3cml0ZSJ9.tEQYj0eTWP4QIAA3Vg4iPcZbIhLOc_6SERRiyzfxxmt',
};
